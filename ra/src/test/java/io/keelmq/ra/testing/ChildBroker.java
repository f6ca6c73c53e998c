package io.keelmq.ra.testing;

import io.keelmq.server.Main;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The broker in its own JVM (bin/keel-server's main class, on an ephemeral port), for tests that must see only the
 * client's threads in the test JVM.
 */
public final class ChildBroker implements AutoCloseable {
    private final Process process;
    private final String url;

    private ChildBroker(Process process, String url) {
        this.process = process;
        this.url = url;
    }

    public static ChildBroker start(Path dir) throws Exception {
        return start(dir, 0);
    }

    /** @param port 0 for an ephemeral one; a killed broker's port to restart it where its clients reconnect */
    public static ChildBroker start(Path dir, int port) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Path log = dir.resolve("broker.log");
        Files.createDirectories(dir);
        Process process = new ProcessBuilder(List.of(java, "-Xmx256m", "-XX:+UseSerialGC", "-cp",
                System.getProperty("java.class.path"), Main.class.getName(), "--listenPort=" + port,
                "--storePathRootDir=" + dir.resolve("data"), "--mappedFileSizeCommitLog=4194304", "--maxMessageSize=1048576",
                "--maxHashSlotNum=10000", "--maxIndexNum=40000", "--serverWorkerThreads=2",
                "--serverSelectorThreads=1")).redirectError(log.toFile()).start();
        CompletableFuture<String> ready = new CompletableFuture<>();
        Thread reader = new Thread(() -> {
            try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(),
                    StandardCharsets.UTF_8))) {
                String line;
                while ((line = out.readLine()) != null) {
                    if (line.startsWith(Main.READY_LINE)) {
                        ready.complete(line.substring(Main.READY_LINE.length()).trim());
                    }
                }
            } catch (java.io.IOException e) {
                // the process ended
            }
            ready.complete(null);
        }, "child-broker-stdout");
        reader.setDaemon(true);
        reader.start();
        String where = ready.get(60, TimeUnit.SECONDS);
        if (where == null) {
            process.destroyForcibly();
            throw new IllegalStateException("the broker did not start: " + Files.readString(log));
        }
        return new ChildBroker(process, "keel://" + where);
    }

    public String url() {
        return url;
    }

    public int port() {
        return Integer.parseInt(url.substring(url.lastIndexOf(':') + 1));
    }

    /** SIGKILL: the clients see their connections reset, as when the broker's machine fails. */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            process.waitFor(30, TimeUnit.SECONDS);
        }
    }
}
