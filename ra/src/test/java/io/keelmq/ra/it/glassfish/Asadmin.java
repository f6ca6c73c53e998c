package io.keelmq.ra.it.glassfish;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** asadmin of ra/target/glassfish7, against the test domain's admin port. */
final class Asadmin {
    private Asadmin() {
    }

    /** Runs one subcommand and returns its output; a non-zero exit fails with that output. */
    static String run(String... subcommand) throws IOException, InterruptedException {
        Path cli = Path.of(System.getProperty("glassfish.home"), "glassfish", "modules", "admin-cli.jar");
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar", cli.toString(), "--port", System.getProperty("gf.admin.port")));
        command.addAll(Arrays.asList(subcommand));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        process.getOutputStream().close();
        byte[] output = process.getInputStream().readAllBytes();
        if (!process.waitFor(120, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new IllegalStateException("asadmin " + String.join(" ", subcommand) + " did not end in 120 s");
        }
        String text = new String(output, StandardCharsets.UTF_8);
        if (process.exitValue() != 0) {
            throw new IllegalStateException("asadmin " + String.join(" ", subcommand) + " failed: " + text);
        }
        return text;
    }
}
