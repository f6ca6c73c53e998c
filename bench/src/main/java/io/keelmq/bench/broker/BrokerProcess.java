package io.keelmq.bench.broker;

import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;

/**
 * One broker in its own JVM: started from a command line, ready once it prints its ready line
 * ({@code PREFIX HOST:PORT}), stopped with SIGTERM (both brokers shut down cleanly on it). A JVM-wide
 * shutdown hook stops whatever is still running and deletes every broker's data directory, so an
 * interrupted benchmark (Ctrl-C, a failed assertion) leaves no broker and no data behind.
 *
 * <p>Data directories are deleted when the benchmark ends, not when their broker stops: this machine's
 * root file system is mounted with online {@code discard}, so deleting a round's gigabyte sends the disk
 * TRIM requests, and the rounds that ran next were slower for it. KeelMQ's second send rounds ran at
 * 5,000 to 8,000 msgs/s against 8,300 to 12,200 in its first; with the first round's data kept, 10,880
 * against 9,269. Deleting at the end gives every round of every broker the same disk.
 *
 * <p>Its standard output and error go to a log file; the last lines of it are quoted when the
 * broker does not start, because that is where the reason is.
 */
public final class BrokerProcess implements AutoCloseable {
    private static final int LONGEST_ARGUMENT_SHOWN = 160;
    private static final Set<BrokerProcess> RUNNING = ConcurrentHashMap.newKeySet();
    /** Started but not ready yet: killed outright if the benchmark is interrupted then. */
    private static final Set<Process> STARTING = ConcurrentHashMap.newKeySet();
    /** Data directories of stopped brokers, deleted when the JVM exits. */
    private static final Set<Path> STOPPED_DATA = ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            STARTING.forEach(Process::destroyForcibly);
            for (BrokerProcess process : List.copyOf(RUNNING)) {
                process.close();
            }
            deleteStoppedData();
        }, "bench-broker-cleanup"));
    }

    private final String name;
    private final Process process;
    private final InetSocketAddress address;
    private final Path dataDir;
    private final Path log;
    private final int jmxPort;

    private BrokerProcess(String name, Process process, InetSocketAddress address, Path dataDir, Path log,
                          int jmxPort) {
        this.name = name;
        this.process = process;
        this.address = address;
        this.dataDir = dataDir;
        this.log = log;
        this.jmxPort = jmxPort;
    }

    /**
     * Starts {@code command} and waits for the line starting with {@code readyPrefix}.
     *
     * @param dataDir deleted when the broker stops, or right away if it cannot start
     * @param jmxPort the JMX port the command opens (see {@link JmxHeapProbe#jvmOptions})
     * @throws BrokerStartException if the process ended before it was ready or was not ready in time
     */
    static BrokerProcess start(String name, List<String> command, String readyPrefix, Path dataDir, Path log,
                               int jmxPort, Duration timeout) throws IOException, InterruptedException {
        Files.createDirectories(log.getParent());
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        STARTING.add(process);
        try {
            return awaitReady(name, command, readyPrefix, dataDir, log, jmxPort, timeout, process);
        } finally {
            STARTING.remove(process);
        }
    }

    private static BrokerProcess awaitReady(String name, List<String> command, String readyPrefix, Path dataDir,
                                            Path log, int jmxPort, Duration timeout, Process process)
            throws IOException, InterruptedException {
        CompletableFuture<String> ready = new CompletableFuture<>();
        Thread copier = new Thread(() -> copyOutput(process, log, readyPrefix, ready), "bench-" + name + "-output");
        copier.setDaemon(true);
        copier.start();
        String where;
        boolean timedOut = false;
        try {
            where = ready.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            where = null;
            timedOut = true;
        } catch (ExecutionException e) {
            throw new IllegalStateException(e.getCause());
        }
        if (where == null) {
            // Without a ready line the output ended (the process is exiting) or the time ran out.
            process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
            deleteRecursively(dataDir);
            String reason = timedOut ? "was not ready within " + timeout.toSeconds() + " s"
                    : "exited with code " + process.exitValue();
            throw new BrokerStartException(name + " " + reason + "; command: " + shortened(command)
                    + "\nlast lines of " + log + ":\n" + tail(log, 25), !timedOut);
        }
        int colon = where.lastIndexOf(':');
        InetSocketAddress address = new InetSocketAddress(where.substring(0, colon).trim(),
                Integer.parseInt(where.substring(colon + 1).trim()));
        BrokerProcess started = new BrokerProcess(name, process, address, dataDir, log, jmxPort);
        RUNNING.add(started);
        return started;
    }

    /** Copies the broker's output into the log file and completes {@code ready} with what follows the prefix. */
    private static void copyOutput(Process process, Path log, String readyPrefix, CompletableFuture<String> ready) {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(),
                StandardCharsets.UTF_8));
             BufferedWriter out = Files.newBufferedWriter(log, StandardCharsets.UTF_8)) {
            String line;
            while ((line = in.readLine()) != null) {
                out.write(line);
                out.newLine();
                out.flush();
                int at = line.indexOf(readyPrefix);
                if (at >= 0) {
                    ready.complete(line.substring(at + readyPrefix.length()));
                }
            }
        } catch (IOException e) {
            // The stream closes when the process ends; nothing is left to copy.
        }
        ready.complete(null);
    }

    public InetSocketAddress address() {
        return address;
    }

    public long pid() {
        return process.pid();
    }

    public int jmxPort() {
        return jmxPort;
    }

    public Path log() {
        return log;
    }

    /** SIGTERM, up to 60 s for a clean shutdown, then SIGKILL; the data directory is deleted when the JVM exits. */
    @Override
    public void close() {
        if (!RUNNING.remove(this)) {
            return;
        }
        try {
            process.destroy();
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                System.err.println("bench: " + name + " did not stop within 60 s of SIGTERM; killing it");
                process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        } finally {
            STOPPED_DATA.add(dataDir);
        }
    }

    /** Deletes the data directories of the brokers stopped so far; the benchmark calls it when it ends. */
    public static void deleteStoppedData() {
        for (Path dir : List.copyOf(STOPPED_DATA)) {
            deleteRecursively(dir);
            STOPPED_DATA.remove(dir);
        }
    }

    /**
     * The command line with its class path cut short: RocketMQ's runs to 10,000 characters, and a report that shows
     * only the start of a failure's message would show nothing else, not even the log lines that follow it.
     */
    static String shortened(List<String> command) {
        List<String> shown = new ArrayList<>();
        for (String argument : command) {
            shown.add(argument.length() <= LONGEST_ARGUMENT_SHOWN ? argument
                    : argument.substring(0, LONGEST_ARGUMENT_SHOWN) + "...(" + argument.length() + " characters)");
        }
        return String.join(" ", shown);
    }

    static String tail(Path file, int lines) {
        try {
            List<String> all = Files.readAllLines(file, StandardCharsets.UTF_8);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException | UncheckedIOException e) {
            return "(cannot read " + file + ": " + e + ")";
        }
    }

    static void deleteRecursively(Path dir) {
        if (dir == null || !Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            List<Path> paths = new ArrayList<>(walk.sorted(Comparator.reverseOrder()).toList());
            for (Path path : paths) {
                Files.deleteIfExists(path);
            }
        } catch (IOException | UncheckedIOException e) {
            System.err.println("bench: could not delete " + dir + ": " + e);
        }
    }

    /** The broker did not come up; {@code exited} tells a crash at start (worth one retry on new ports) from a hang. */
    public static final class BrokerStartException extends IOException {
        private final boolean exited;

        BrokerStartException(String message, boolean exited) {
            super(message);
            this.exited = exited;
        }

        public boolean exited() {
            return exited;
        }
    }
}
