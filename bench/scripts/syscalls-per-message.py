#!/usr/bin/env python3
"""System calls per consumed message of KeelMQ's broker JVM and of the bench (client) JVM, for comparing two builds.

Runs one `keel-bench backlog` round against KeelMQ alone; at the first progress line of the consume phase it
attaches `strace -f -c` to both JVMs, detaches after SECONDS (or at the phase's last progress line) and prints each
side's calls per message received in between, by name (read/recvfrom, write/sendto, poll/epoll_wait, futex, other).
strace slows both JVMs down a lot: compare the counts per message, not the rates.

usage: syscalls-per-message.py LABEL BENCH_JAR SERVER_JAR SECONDS [more keel-bench options, e.g. --ack-mode dups-ok]
"""
import os
import re
import signal
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from importlib import import_module

broker_of = import_module('cpu-per-message').broker_of


def strace(pid, out):
    return subprocess.Popen(['strace', '-f', '-c', '-o', out, '-p', str(pid)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def counts(path):
    """{syscall: calls} from strace -c's table."""
    result = {}
    for line in open(path):
        f = line.split()
        if len(f) >= 5 and f[0][0].isdigit() and not f[-1].startswith('total'):
            calls = int(f[3])
            result[f[-1]] = calls
    return result


def main():
    label, bench_jar, server_jar, seconds = sys.argv[1:5]
    options = sys.argv[5:] or ['--ack-mode', 'auto']
    out = tempfile.mkdtemp(prefix=f'sys-{label}-')
    cmd = ['java', '-jar', bench_jar, 'backlog', '--count', '200000', '--rounds', '1', '--warmup', '10s',
           '--keel-server-jar', server_jar, '--out', out] + options
    bench = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    tracers = None
    first = last = None
    started = 0
    for line in bench.stdout:
        if 'backlog-consume' in line and ']' in line and 'received' in line:
            received = int(re.search(r'received ([\d,]+)', line).group(1).replace(',', ''))
            if tracers is None:
                broker = broker_of(bench.pid)
                if broker is None:
                    continue
                # Attached right after this progress line: its count starts the window, another one ends it.
                tracers = [strace(broker, f'{out}/broker.strace'), strace(bench.pid, f'{out}/client.strace')]
                first, started = received, time.time()
                continue
            if tracers and time.time() - started > float(seconds):
                last = received
                for t in tracers:
                    t.send_signal(signal.SIGINT)
                for t in tracers:
                    t.wait(60)
                tracers = []
    bench.wait()
    if not first or not last:
        sys.exit(f'{label}: consume phase too short for the probe (exit code {bench.returncode})')
    messages = last - first
    for side in ('broker', 'client'):
        c = counts(f'{out}/{side}.strace')
        groups = {'read': ('read', 'recvfrom'), 'write': ('write', 'sendto', 'writev'),
                  'poll': ('poll', 'ppoll', 'epoll_wait', 'epoll_pwait', 'epoll_pwait2'), 'futex': ('futex',)}
        parts = []
        seen = set()
        for name, calls in groups.items():
            n = sum(c.get(k, 0) for k in calls)
            seen.update(calls)
            parts.append(f'{name} {n / messages:.2f}')
        other = sum(v for k, v in c.items() if k not in seen)
        parts.append(f'other {other / messages:.2f}')
        total = sum(c.values())
        print(f'{label} {side}: {messages} messages, {total / messages:.2f} syscalls/message ({", ".join(parts)})',
              flush=True)


if __name__ == '__main__':
    main()
