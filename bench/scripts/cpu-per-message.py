#!/usr/bin/env python3
"""CPU time per consumed message of KeelMQ's broker JVM and of the bench (client) JVM, for comparing two builds.

Runs one `keel-bench backlog` round against KeelMQ alone and reads user and system time of both JVMs from
/proc/PID/stat (Linux) at the first and at the last progress line of the consume phase; prints them per 1000
messages received in between, with the load average at the start. Interleave the builds you compare (old, new,
old, new): on a shared machine the load moves these figures by tens of percent from run to run.

usage: cpu-per-message.py LABEL BENCH_JAR SERVER_JAR [more keel-bench options, e.g. --ack-mode dups-ok]
(defaults: --ack-mode auto --count 200000 --rounds 1 --warmup 10s; results go to a temporary directory)
"""
import os
import re
import subprocess
import sys
import tempfile

TICK = os.sysconf('SC_CLK_TCK')


def cpu_ms(pid):
    """(user, system) CPU milliseconds of a process."""
    fields = open(f'/proc/{pid}/stat').read().rsplit(')', 1)[1].split()
    return int(fields[11]) * 1000.0 / TICK, int(fields[12]) * 1000.0 / TICK


def broker_of(bench_pid):
    """The KeelMQ broker JVM the bench started (a child running keel-server)."""
    for entry in os.listdir('/proc'):
        if not entry.isdigit():
            continue
        try:
            stat = open(f'/proc/{entry}/stat').read().rsplit(')', 1)[1].split()
            if int(stat[1]) == bench_pid and 'keel-server' in open(f'/proc/{entry}/cmdline').read():
                return int(entry)
        except OSError:
            pass
    return None


def main():
    label, bench_jar, server_jar = sys.argv[1:4]
    options = sys.argv[4:] or ['--ack-mode', 'auto']
    out = tempfile.mkdtemp(prefix=f'cpu-{label}-')
    cmd = ['java', '-jar', bench_jar, 'backlog', '--count', '200000', '--rounds', '1', '--warmup', '10s',
           '--keel-server-jar', server_jar, '--out', out] + options
    load = open('/proc/loadavg').read().split()[0]
    bench = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    first = last = None
    summary = ''
    for line in bench.stdout:
        if 'backlog-consume' in line and ']' in line and 'received' in line:
            received = int(re.search(r'received ([\d,]+)', line).group(1).replace(',', ''))
            broker = broker_of(bench.pid)
            if broker is None:
                continue
            snapshot = (received, cpu_ms(broker), cpu_ms(bench.pid))
            first = first or snapshot
            last = snapshot
        if re.search(r'KeelMQ\s+r1 backlog-consume', line):
            summary = line
    bench.wait()
    if first is None or last[0] == first[0]:
        sys.exit(f'{label}: no consume progress seen (exit code {bench.returncode})')
    messages = last[0] - first[0]

    def per_thousand(i):
        user = (last[i][0] - first[i][0]) * 1000 / messages
        system = (last[i][1] - first[i][1]) * 1000 / messages
        return f'{user + system:.1f} ms/1000 (user {user:.1f} sys {system:.1f})'

    rate = re.search(r'([\d,]+) msgs/s', summary)
    print(f'{label}: load {load}, consume {rate.group(1) if rate else "?"} msgs/s, {messages} messages probed: '
          f'broker {per_thousand(1)}, client {per_thousand(2)}', flush=True)


if __name__ == '__main__':
    main()
