package io.keelmq.store.replica;

import io.keelmq.store.AppendResult;
import io.keelmq.store.AppendStatus;
import io.keelmq.store.MessageStore;
import io.keelmq.store.StoredMessage;
import io.keelmq.store.log.CommitLog;
import io.keelmq.store.testing.Records;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The store's side of replication: a master's records copied by offset into another store, verified, unchanged. */
class ReplicaAppendTest {
    @TempDir
    Path dir;

    /** Copies everything the master wrote that the replica lacks, as the HA link does; returns the replica's end. */
    private static long copy(MessageStore master, MessageStore replica) throws Exception {
        long next = replica.commitLogMaxOffset();
        while (true) {
            CommitLog.RawChunk chunk = master.readReplicable(next, 8 * 1024);
            if (chunk.records().hasRemaining()) {
                MessageStore.ReplicaAppend appended = replica.appendReplica(chunk.offset(), chunk.records());
                assertEquals(chunk.next(), appended.writtenEnd());
                appended.forced().get(10, TimeUnit.SECONDS);
            } else if (chunk.next() == next) {
                return next;
            }
            next = chunk.next();
        }
    }

    @Test
    void aCopyAcrossSegmentRollsIsByteIdenticalServesTheMessagesAndContinuesTheQueueNumbering() throws Exception {
        try (MessageStore master = MessageStore.open(Records.smallStore(dir.resolve("m")));
             MessageStore replica = MessageStore.open(Records.smallStore(dir.resolve("r")))) {
            for (int i = 0; i < 600; i++) {      // about 200 KiB: the 64 KiB segments roll three times
                assertEquals(AppendStatus.PUT_OK, master.append(Records.record("q", i % 2, "m" + i, 300)).status());
                if (i % 97 == 0) {
                    copy(master, replica);        // the copy keeps up in steps, as a live link does
                }
            }
            assertEquals(master.commitLogMaxOffset(), copy(master, replica));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (replica.dispatchedOffset() < replica.commitLogMaxOffset() && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
            for (int partition = 0; partition < 2; partition++) {
                List<StoredMessage> ours = readAll(master, partition);
                List<StoredMessage> theirs = readAll(replica, partition);
                assertEquals(300, theirs.size());
                for (int i = 0; i < ours.size(); i++) {
                    assertEquals(ours.get(i).physicalOffset(), theirs.get(i).physicalOffset());
                    assertArrayEquals(ours.get(i).body(), theirs.get(i).body());
                }
            }
            assertTrue(replica.queryByMessageId("id-m599", 0, Long.MAX_VALUE).size() == 1, "indexed too");
        }
        assertSegmentsIdentical(dir.resolve("m/commitlog"), dir.resolve("r/commitlog"));
        try (MessageStore promoted = MessageStore.open(Records.smallStore(dir.resolve("r")))) {
            AppendResult next = promoted.append(Records.record("q", 1, "after", 300));
            assertEquals(300, next.queueOffset(), "the copy's next own record continues its queue");
        }
    }

    @Test
    void aCorruptRecordIsRefusedAndNothingOfItsChunkIsWritten() throws Exception {
        try (MessageStore master = MessageStore.open(Records.smallStore(dir.resolve("m")));
             MessageStore replica = MessageStore.open(Records.smallStore(dir.resolve("r")))) {
            for (int i = 0; i < 5; i++) {
                master.append(Records.record("q", 0, "m" + i, 300));
            }
            CommitLog.RawChunk chunk = master.readReplicable(0, 64 * 1024);
            ByteBuffer damaged = ByteBuffer.allocate(chunk.records().remaining()).put(chunk.records().duplicate()).flip();
            damaged.put(damaged.limit() - 10, (byte) (damaged.get(damaged.limit() - 10) ^ 1));  // in the last body
            IOException refused = assertThrows(IOException.class, () -> replica.appendReplica(0, damaged));
            assertTrue(refused.getMessage().contains("CRC32C"), refused.getMessage());
            assertEquals(0, replica.commitLogMaxOffset());

            // A record sent to the wrong offset fails too: the offset is inside the CRC.
            CommitLog.RawChunk second = master.readReplicable(0, 1);
            assertThrows(IOException.class, () -> replica.appendReplica(1_000, second.records()));
            assertEquals(0, replica.commitLogMaxOffset());
        }
    }

    @Test
    void aVisibilityLimitHoldsDispatchUntilRaised() throws Exception {
        try (MessageStore master = MessageStore.open(Records.smallStore(dir.resolve("m")))) {
            AppendResult first = master.append(Records.record("q", 0, "first", 300));
            long end = first.records().get(0).physicalOffset() + first.records().get(0).size();
            master.limitVisibleTo(end);
            master.append(Records.record("q", 0, "second", 300));
            Thread.sleep(300);
            assertEquals(end, master.dispatchedOffset(), "the second record is beyond the confirmed offset");
            assertEquals(1, master.maxQueueOffset("q", 0));
            master.limitVisibleTo(Long.MAX_VALUE);
            assertEquals(master.commitLogMaxOffset(), master.dispatchedOffset());
            assertEquals(2, master.maxQueueOffset("q", 0));
        }
    }

    @Test
    void aDivergedTailIsCutIntoQuarantineAndTheQueuesAndIndexFollow() throws Exception {
        long cut;
        try (MessageStore store = MessageStore.open(Records.smallStore(dir.resolve("r")))) {
            for (int i = 0; i < 10; i++) {
                store.append(Records.record("q", 0, "m" + i, 300));
            }
            cut = store.readQueue("q", 0, 6, 1).get(0).physicalOffset();
            store.truncateReplica(cut);
            assertEquals(cut, store.commitLogMaxOffset());
            assertEquals(6, store.maxQueueOffset("q", 0));
            assertEquals(List.of(), store.queryByMessageId("id-m7", 0, Long.MAX_VALUE));
            AppendResult next = store.append(Records.record("q", 0, "after", 300));
            assertEquals(6, next.queueOffset(), "numbering continues from the cut");
            assertEquals(cut, next.records().get(0).physicalOffset());
        }
        assertTrue(quarantined(dir.resolve("r")).contains("m9:"), "the cut records are kept in quarantine/");
        try (MessageStore reopened = MessageStore.open(Records.smallStore(dir.resolve("r")))) {
            assertEquals(7, reopened.maxQueueOffset("q", 0));
        }
    }

    @Test
    void aCutInterruptedByACrashIsFinishedAtTheNextOpen() throws Exception {
        long cut;
        try (MessageStore store = MessageStore.open(Records.smallStore(dir.resolve("r")))) {
            for (int i = 0; i < 300; i++) {      // several segments: the cut removes whole ones too
                store.append(Records.record("q", 0, "m" + i, 300));
            }
            cut = store.readQueue("q", 0, 100, 1).get(0).physicalOffset();
        }
        // The crash came right after the durable marker: nothing was cut yet.
        Files.writeString(dir.resolve("r/truncate-to"), Long.toString(cut));
        try (MessageStore reopened = MessageStore.open(Records.smallStore(dir.resolve("r")))) {
            assertEquals(cut, reopened.commitLogMaxOffset());
            assertEquals(100, reopened.maxQueueOffset("q", 0));
            assertEquals(List.of(), reopened.queryByMessageId("id-m150", 0, Long.MAX_VALUE));
            assertEquals(1, reopened.queryByMessageId("id-m99", 0, Long.MAX_VALUE).size());
        }
        assertTrue(!Files.exists(dir.resolve("r/truncate-to")), "the marker is gone once the cut is done");
        assertTrue(quarantined(dir.resolve("r")).contains("m299:"), "the cut records are kept in quarantine/");
    }

    private static String quarantined(Path store) throws IOException {
        StringBuilder all = new StringBuilder();
        try (Stream<Path> files = Files.list(store.resolve("quarantine"))) {
            for (Path file : files.toList()) {
                all.append(new String(Files.readAllBytes(file), java.nio.charset.StandardCharsets.ISO_8859_1));
            }
        }
        return all.toString();
    }

    private static List<StoredMessage> readAll(MessageStore store, int partition) throws IOException {
        List<StoredMessage> all = new java.util.ArrayList<>();
        List<StoredMessage> some;
        while (!(some = store.readQueue("q", partition, all.size(), 100)).isEmpty()) {
            all.addAll(some);
        }
        return all;
    }

    private static void assertSegmentsIdentical(Path master, Path replica) throws IOException {
        List<Path> ours;
        try (Stream<Path> files = Files.list(master)) {
            ours = files.sorted().toList();
        }
        assertTrue(ours.size() >= 4, "segments: " + ours);
        for (Path segment : ours) {
            byte[] a = Files.readAllBytes(segment);
            byte[] b = Files.readAllBytes(replica.resolve(segment.getFileName()));
            int records = Math.min(a.length, b.length);
            for (int i = 0; i < records; i++) {
                if (a[i] != b[i]) {
                    throw new AssertionError(segment.getFileName() + " differs at byte " + i);
                }
            }
        }
    }
}
