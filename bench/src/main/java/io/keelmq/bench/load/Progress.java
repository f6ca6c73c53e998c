package io.keelmq.bench.load;

import java.io.PrintStream;
import java.util.Optional;
import java.util.concurrent.atomic.LongAdder;

/**
 * The progress line of a long run: every {@value #PERIOD_MILLIS} ms, on standard error (figures go to
 * standard output), how long the load has run and the rates over the last period. Short runs end before
 * the first line. Where Linux says, each line also tells how busy the machine's cores were and how much of their
 * time the hypervisor stole ({@link CpuTimes}): rates on a shared machine move with it.
 */
final class Progress implements AutoCloseable {
    private static final long PERIOD_MILLIS = 2000;

    private final Thread thread;
    private volatile boolean running = true;

    Progress(String label, LongAdder sent, ReceiveGoal goal, PrintStream out) {
        long start = System.nanoTime();
        thread = new Thread(() -> {
            long lastSent = 0;
            long lastReceived = 0;
            Optional<CpuTimes> lastCpu = CpuTimes.read();
            while (sleep()) {
                long nowSent = sent.sum();
                long nowReceived = goal.receivedSoFar();
                Optional<CpuTimes> nowCpu = CpuTimes.read();
                CpuTimes.CpuShare cpu = nowCpu.isPresent() && lastCpu.isPresent()
                        ? nowCpu.get().shareSince(lastCpu.get()) : null;
                double period = PERIOD_MILLIS / 1000.0;
                out.printf("  [%s] %5.1f s: sent %,d (%,.0f/s), received %,d (%,.0f/s)%s%n", label,
                        (System.nanoTime() - start) / 1e9, nowSent, (nowSent - lastSent) / period,
                        nowReceived, (nowReceived - lastReceived) / period, cpu == null ? "" : ", " + cpu);
                lastSent = nowSent;
                lastReceived = nowReceived;
                lastCpu = nowCpu;
            }
        }, "bench-progress");
        thread.setDaemon(true);
        thread.start();
    }

    private boolean sleep() {
        try {
            Thread.sleep(PERIOD_MILLIS);
        } catch (InterruptedException e) {
            return false;
        }
        return running;
    }

    @Override
    public void close() {
        running = false;
        thread.interrupt();
    }
}
