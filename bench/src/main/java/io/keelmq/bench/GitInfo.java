package io.keelmq.bench;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The commit the run measured, for the JSON summary: {@code git rev-parse HEAD} in the working directory,
 * and whether the tree had uncommitted changes. Null outside a git work tree or without git.
 */
record GitInfo(String commit, boolean dirty) {
    static GitInfo ofWorkingDirectory() {
        String commit = run(List.of("git", "rev-parse", "HEAD"));
        if (commit == null || commit.isBlank()) {
            return new GitInfo(null, false);
        }
        String status = run(List.of("git", "status", "--porcelain", "--untracked-files=no"));
        return new GitInfo(commit.trim(), status != null && !status.isBlank());
    }

    private static String run(List<String> command) {
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            byte[] output;
            try (InputStream in = process.getInputStream()) {
                output = in.readAllBytes();
            }
            if (!process.waitFor(10, TimeUnit.SECONDS) || process.exitValue() != 0) {
                process.destroyForcibly();
                return null;
            }
            return new String(output, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }
}
