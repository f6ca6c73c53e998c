package io.keelmq.server.testing;

import io.keelmq.server.ha.controller.ControllerMain;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * One {@code keel-controller} peer in its own JVM (as bin/keel-controller starts it), SIGKILL-able; standard error
 * goes to {@code <dir>/<selfId>.log}.
 */
public final class ControllerProcess {
    private final Process process;
    private final String selfId;

    private ControllerProcess(Process process, String selfId) {
        this.process = process;
        this.selfId = selfId;
    }

    /** Starts peer {@code selfId} of {@code controllerAddr} (h:p;h:p;...) with its Raft log in {@code dir/selfId}. */
    public static ControllerProcess start(Path dir, String controllerAddr, String selfId, String... extraArgs)
            throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = new ArrayList<>(List.of(java, "-Xmx128m", "-XX:+UseSerialGC",
                "-cp", System.getProperty("java.class.path"), ControllerMain.class.getName(),
                "--controllerAddr=" + controllerAddr, "--controllerSelfId=" + selfId,
                "--controllerStorePath=" + dir.resolve(selfId)));
        command.addAll(Arrays.asList(extraArgs));
        Files.createDirectories(dir);
        Path log = dir.resolve(selfId + ".log");
        Process process = new ProcessBuilder(command).redirectError(log.toFile()).start();
        CompletableFuture<Boolean> ready = new CompletableFuture<>();
        Thread reader = new Thread(() -> {
            try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(),
                    StandardCharsets.UTF_8))) {
                String line;
                while ((line = out.readLine()) != null) {
                    if (line.startsWith(ControllerMain.READY_LINE)) {
                        ready.complete(true);
                    }
                }
            } catch (java.io.IOException e) {
                // the process ended
            }
            ready.complete(false);
        }, "controller-stdout-" + selfId);
        reader.setDaemon(true);
        reader.start();
        boolean up;
        try {
            up = ready.get(60, TimeUnit.SECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
            up = false;
        }
        if (!up) {
            process.destroyForcibly();
            throw new IllegalStateException("controller " + selfId + " did not start: " + Files.readString(log));
        }
        return new ControllerProcess(process, selfId);
    }

    public String selfId() {
        return selfId;
    }

    public Process process() {
        return process;
    }

    /** SIGKILL. */
    public void kill() throws InterruptedException {
        process.toHandle().destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
    }
}
