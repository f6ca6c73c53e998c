package io.keelmq.server.testing;

import io.keelmq.server.Main;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The broker in its own JVM, started as {@code bin/keel-server} would start it, on an
 * ephemeral port: crash tests kill it with SIGKILL, which no in-process broker can suffer.
 * Its standard error goes to {@code <dir>/<name>.log}.
 */
public final class BrokerProcess {
    private final Process process;
    private final InetSocketAddress address;
    private final Path log;
    private final InetSocketAddress haAddress;

    private BrokerProcess(Process process, InetSocketAddress address, Path log, InetSocketAddress haAddress) {
        this.process = process;
        this.address = address;
        this.log = log;
        this.haAddress = haAddress;
    }

    /**
     * Starts {@code io.keelmq.server.Main} on {@code dir/data} with small files, plus {@code extraArgs}
     * ({@code --key=value}), and waits for its ready line.
     */
    public static BrokerProcess start(Path dir, String name, String... extraArgs) throws Exception {
        return start(dir, name, List.of(Main.class.getName()), extraArgs);
    }

    /**
     * Like {@link #start(Path, String, String...)}, with another main class and its leading arguments (say,
     * {@link SmallDiskMain} and a capacity) in place of {@code io.keelmq.server.Main}.
     */
    public static BrokerProcess start(Path dir, String name, List<String> main, String... extraArgs) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = new ArrayList<>(List.of(java, "-Xmx256m", "-XX:+UseSerialGC",
                // times in the child's log: what a failure's output is read against
                "-Dorg.slf4j.simpleLogger.showDateTime=true", "-Dorg.slf4j.simpleLogger.dateTimeFormat=HH:mm:ss.SSS",
                "-cp", System.getProperty("java.class.path")));
        command.addAll(main);
        command.addAll(List.of("--listenPort=0", "--storePathRootDir=" + dir.resolve("data"),
                "--mappedFileSizeCommitLog=4194304", "--maxMessageSize=1048576", "--maxHashSlotNum=10000",
                "--maxIndexNum=40000", "--serverWorkerThreads=4", "--serverSelectorThreads=2"));
        command.addAll(Arrays.asList(extraArgs));
        Files.createDirectories(dir);
        Path log = dir.resolve(name + ".log");
        Process process = new ProcessBuilder(command).redirectError(log.toFile()).start();
        CompletableFuture<String> ready = new CompletableFuture<>();
        CompletableFuture<String> ha = new CompletableFuture<>();
        Thread reader = new Thread(() -> {
            try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(),
                    StandardCharsets.UTF_8))) {
                String line;
                while ((line = out.readLine()) != null) {
                    if (line.startsWith(Main.HA_READY_LINE)) {
                        ha.complete(line.substring(Main.HA_READY_LINE.length()));
                    }
                    if (line.startsWith(Main.READY_LINE)) {
                        ha.complete(null);      // printed before the ready line, if at all
                        ready.complete(line.substring(Main.READY_LINE.length()));
                    }
                }
            } catch (IOException e) {
                // the process ended
            }
            ready.complete(null);
        }, "broker-stdout-" + name);
        reader.setDaemon(true);
        reader.start();
        String where;
        try {
            where = ready.get(60, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            where = null;
        }
        if (where == null) {
            process.destroyForcibly();
            throw new IllegalStateException("the broker did not start: " + Files.readString(log));
        }
        String haWhere = ha.getNow(null);
        return new BrokerProcess(process, parse(where), log, haWhere == null ? null : parse(haWhere));
    }

    private static InetSocketAddress parse(String hostPort) {
        int colon = hostPort.lastIndexOf(':');
        return new InetSocketAddress(hostPort.substring(0, colon), Integer.parseInt(hostPort.substring(colon + 1)));
    }

    /** host:port where a master's slaves connect (haListenPort), or null when it opened none. */
    public String haAddress() {
        return haAddress == null ? null : haAddress.getHostString() + ":" + haAddress.getPort();
    }

    public InetSocketAddress address() {
        return address;
    }

    public String url() {
        return "keel://" + address.getHostString() + ":" + address.getPort();
    }

    public Process process() {
        return process;
    }

    /** SIGKILL: no shutdown hook, no flush, no checkpoint. */
    public void kill() throws InterruptedException {
        process.toHandle().destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
    }

    /** SIGTERM: the clean shutdown; returns the exit code (0: finished within shutdownTimeoutMillis). */
    public int stop() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new IllegalStateException("the broker ignored SIGTERM for 30 s");
        }
        return process.exitValue();
    }

    public String log() throws IOException {
        return Files.readString(log);
    }
}
