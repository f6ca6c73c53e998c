package io.keelmq.store.crash;

import io.keelmq.store.AppendStatus;
import io.keelmq.store.MessageStore;
import io.keelmq.store.StoredMessage;
import io.keelmq.store.testing.Records;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static io.keelmq.store.testing.StoreTests.awaitDispatched;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The durability promise on real files: a child JVM appends under SYNC_FLUSH from 8
 * threads, is killed with SIGKILL in the middle, and every record it acknowledged must
 * be readable, with a valid CRC, after the store is reopened.
 */
class SigkillCrashTest {
    @TempDir
    Path dir;

    @Test
    void everyAcknowledgedAppendSurvivesSigkill() throws Exception {
        String java = ProcessHandle.current().info().command().orElse("java");
        Process child = new ProcessBuilder(java, "-Xmx256m", "-cp", System.getProperty("java.class.path"),
                CrashAppender.class.getName(), dir.toString(), "8")
                .redirectError(ProcessBuilder.Redirect.DISCARD)
                .start();
        Map<String, Long> acknowledged = new HashMap<>();
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
            assertEquals("READY", lines.readLine(), "child did not start");
            long killAt = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            String line;
            while ((line = lines.readLine()) != null) {
                String[] fields = line.split(" ");
                if (fields.length == 3 && fields[0].equals("ACK")) {
                    acknowledged.put(fields[1], Long.parseLong(fields[2]));
                }
                if (acknowledged.size() == 3_000 || System.nanoTime() > killAt) {
                    // SIGKILL on Linux: no shutdown hook, no flush. Through the handle, so that
                    // the pipe stays open and acknowledgements already printed can be read.
                    child.toHandle().destroyForcibly();
                    break;
                }
            }
            assertTrue(child.waitFor(30, TimeUnit.SECONDS), "child did not die");
            // Acknowledgements already printed before the kill still count.
            while ((line = lines.readLine()) != null) {
                String[] fields = line.split(" ");
                if (fields.length == 3 && fields[0].equals("ACK") && fields[2].chars().allMatch(Character::isDigit)) {
                    acknowledged.put(fields[1], Long.parseLong(fields[2]));
                }
            }
        }
        assertTrue(acknowledged.size() >= 100, "too few appends before the kill: " + acknowledged.size());

        try (MessageStore store = MessageStore.open(Records.smallStore(dir).mappedFileSizeCommitLog(1 << 20))) {
            assertFalse(store.recoveryReport().cleanShutdown(), "SIGKILL leaves no clean-shutdown marker");
            for (Map.Entry<String, Long> ack : acknowledged.entrySet()) {
                StoredMessage message = store.read(ack.getValue());     // verifies the CRC
                assertNotNull(message, "acknowledged record " + ack.getKey() + " lost at " + ack.getValue());
                assertEquals(ack.getKey(), Records.nameOf(message.body()));
            }
            awaitDispatched(store);
            long queued = 0;
            for (int partition : store.partitions("crash")) {
                queued += store.maxQueueOffset("crash", partition);
            }
            assertTrue(queued >= acknowledged.size(), queued + " queued < " + acknowledged.size() + " acknowledged");
            assertEquals(AppendStatus.PUT_OK, store.append(Records.record("crash", 0, "after", 10)).status());
            System.out.println("SIGKILL crash test: " + acknowledged.size() + " acknowledged, " + queued
                    + " recovered; " + store.recoveryReport());
        }
    }
}
