package io.keelmq.store.recovery;

import io.keelmq.store.AppendResult;
import io.keelmq.store.AppendStatus;
import io.keelmq.store.MessageStore;
import io.keelmq.store.StoreConfig;
import io.keelmq.store.log.CorruptRecordException;
import io.keelmq.store.testing.Records;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static io.keelmq.store.testing.StoreTests.awaitDispatched;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Recovery against real files, damaged by hand between runs. */
class RecoveryTest {
    @TempDir
    Path dir;

    private StoreConfig config() {
        return Records.smallStore(dir);
    }

    /** Writes {@code count} records, closes cleanly, and answers where each went. */
    private List<AppendResult> writeAndClose(int count) throws Exception {
        List<AppendResult> results = new ArrayList<>();
        try (MessageStore store = MessageStore.open(config())) {
            for (int i = 0; i < count; i++) {
                AppendResult result = store.append(Records.record("q", 0, "m" + i, 300));
                assertEquals(AppendStatus.PUT_OK, result.status());
                results.add(result);
            }
        }
        return results;
    }

    /** Puts the abort marker back, as a process killed while running leaves it. */
    private void markCrashed() throws Exception {
        Files.write(dir.resolve("abort"), new byte[0]);
    }

    private Path segmentOf(long offset) {
        long base = offset - offset % (64 * 1024);
        return dir.resolve("commitlog").resolve(String.format("%020d", base));
    }

    private List<Path> quarantined() throws Exception {
        if (!Files.isDirectory(dir.resolve("quarantine"))) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(dir.resolve("quarantine"))) {
            return files.toList();
        }
    }

    @Test
    void anEmptyDirectoryOpensAndReopens() throws Exception {
        try (MessageStore store = MessageStore.open(config())) {
            assertTrue(store.recoveryReport().cleanShutdown());
            assertEquals(0, store.commitLogMaxOffset());
        }
        try (MessageStore store = MessageStore.open(config())) {
            assertTrue(store.recoveryReport().cleanShutdown());
            assertEquals(AppendStatus.PUT_OK, store.append(Records.record("q", 0, "x", 10)).status());
        }
    }

    @Test
    void aCrashWithoutDamageKeepsEveryRecordAndRebuildsQueuesAndIndex() throws Exception {
        List<AppendResult> results = writeAndClose(400);
        markCrashed();
        // Lose the consume queues and index entirely: they are rebuilt from the log.
        try (Stream<Path> paths = Files.walk(dir.resolve("consumequeue"))) {
            paths.filter(Files::isRegularFile).forEach(p -> p.toFile().delete());
        }
        Files.delete(dir.resolve("checkpoint"));
        try (MessageStore store = MessageStore.open(config())) {
            RecoveryReport report = store.recoveryReport();
            assertFalse(report.cleanShutdown());
            assertNull(report.problem(), report.toString());
            assertEquals(400, report.recordsVerified());
            assertEquals(400, store.maxQueueOffset("q", 0));
            for (int i = 0; i < 400; i += 37) {
                assertEquals("m" + i, Records.nameOf(store.readQueue("q", 0, i, 1).get(0).body()));
                assertEquals(results.get(i).physicalOffset(),
                        store.queryByKey("k-m" + i, 0, Long.MAX_VALUE, 1).get(0).physicalOffset());
            }
            assertEquals(400, store.append(Records.record("q", 0, "next", 10)).queueOffset());
        }
    }

    @Test
    void aTornLastRecordIsCutExactlyAtItsStart() throws Exception {
        List<AppendResult> results = writeAndClose(50);
        AppendResult last = results.get(49);
        try (RandomAccessFile file = new RandomAccessFile(segmentOf(last.physicalOffset()).toFile(), "rw")) {
            file.setLength(last.physicalOffset() % (64 * 1024) + 100);   // 100 of its ~400 bytes
        }
        markCrashed();
        try (MessageStore store = MessageStore.open(config())) {
            RecoveryReport report = store.recoveryReport();
            assertEquals(last.physicalOffset(), report.logEnd(), report.toString());
            assertTrue(report.problem().contains("torn record at offset " + last.physicalOffset()), report.problem());
            assertEquals(100, report.discardedBytes());
            assertEquals(49, store.maxQueueOffset("q", 0));
            assertNotNull(store.read(results.get(48).physicalOffset()));
            assertNull(store.read(last.physicalOffset()));
            assertEquals(1, quarantined().size(), "the cut bytes are kept for the operator");
            assertEquals(100, Files.size(quarantined().get(0)));
            AppendResult next = store.append(Records.record("q", 0, "again", 300));
            assertEquals(last.physicalOffset(), next.physicalOffset());
            assertEquals(49, next.queueOffset());
        }
    }

    @Test
    void aRecordTornOverPrefilledZerosIsCutAndOnlyItsWrittenBytesAreQuarantined() throws Exception {
        List<AppendResult> results = writeAndClose(50);
        AppendResult last = results.get(49);
        int size = last.records().get(0).size();
        long position = last.physicalOffset() % (64 * 1024);
        byte[] head;
        try (RandomAccessFile file = new RandomAccessFile(segmentOf(last.physicalOffset()).toFile(), "rw")) {
            // What a crash leaves in a prefilled segment: the first 100 bytes reached the disk, the rest
            // of the record and everything after it are still the zeros written ahead.
            file.setLength(position + size);
            file.seek(position + 100);
            file.write(new byte[size - 100]);
            file.setLength(position + size + 8_192);
            head = new byte[100];
            file.seek(position);
            file.readFully(head);
        }
        int written = 100;
        while (head[written - 1] == 0) {
            written--;
        }
        markCrashed();
        try (MessageStore store = MessageStore.open(config())) {
            RecoveryReport report = store.recoveryReport();
            assertEquals(last.physicalOffset(), report.logEnd(), report.toString());
            assertTrue(report.problem().contains("CRC32C mismatch"), report.problem());
            assertEquals(written, report.discardedBytes(), "the zeros after its written bytes are not kept");
            assertEquals(1, quarantined().size());
            assertEquals(written, Files.size(quarantined().get(0)));
            assertEquals(49, store.maxQueueOffset("q", 0));
            assertEquals(last.physicalOffset(), store.append(Records.record("q", 0, "again", 300)).physicalOffset());
        }
    }

    @Test
    void aCorruptLastRecordIsDetectedByItsCrc() throws Exception {
        List<AppendResult> results = writeAndClose(50);
        AppendResult last = results.get(49);
        flipBit(last.physicalOffset() + 200);
        markCrashed();
        try (MessageStore store = MessageStore.open(config())) {
            RecoveryReport report = store.recoveryReport();
            assertEquals(last.physicalOffset(), report.logEnd());
            assertTrue(report.problem().contains("CRC32C mismatch"), report.problem());
            assertTrue(report.problem().contains(Long.toString(last.physicalOffset())), report.problem());
            assertEquals(49, store.maxQueueOffset("q", 0));
        }
    }

    @Test
    void aCorruptRecordInTheMiddleKeepsEverythingBeforeItAndQuarantinesTheRest() throws Exception {
        List<AppendResult> results = writeAndClose(400);
        // Pick a record in the last segment with records after it.
        AppendResult lastRecord = results.get(399);
        long lastBase = lastRecord.physicalOffset() - lastRecord.physicalOffset() % (64 * 1024);
        int victim = 399;
        while (results.get(victim - 1).physicalOffset() >= lastBase) {
            victim--;
        }
        victim += (399 - victim) / 2;
        long victimOffset = results.get(victim).physicalOffset();
        assertTrue(victim < 398, "the victim has records after it");
        flipBit(victimOffset + 70);
        markCrashed();
        try (MessageStore store = MessageStore.open(config())) {
            RecoveryReport report = store.recoveryReport();
            assertEquals(victimOffset, report.logEnd(), report.toString());
            assertTrue(report.problem().contains("offset " + victimOffset), report.problem());
            long expectedDiscard = lastRecord.physicalOffset() + lastRecord.records().get(0).size() - victimOffset;
            assertEquals(expectedDiscard, report.discardedBytes());
            assertEquals(victim, store.maxQueueOffset("q", 0));
            for (int i = 0; i < victim; i++) {
                assertEquals("m" + i, Records.nameOf(store.read(results.get(i).physicalOffset()).body()));
            }
            assertEquals(expectedDiscard, Files.size(quarantined().get(0)));
        }
    }

    @Test
    void aDamagedRecordOutsideTheScannedRangeIsReportedWhenRead() throws Exception {
        List<AppendResult> results = writeAndClose(300);
        flipBit(results.get(3).physicalOffset() + 90);
        try (MessageStore store = MessageStore.open(config())) {
            assertTrue(store.recoveryReport().cleanShutdown());
            CorruptRecordException e = assertThrows(CorruptRecordException.class,
                    () -> store.read(results.get(3).physicalOffset()));
            assertTrue(e.getMessage().contains("CRC32C"), e.getMessage());
            assertEquals("m4", Records.nameOf(store.read(results.get(4).physicalOffset()).body()));
        }
    }

    private void flipBit(long offset) throws Exception {
        try (RandomAccessFile file = new RandomAccessFile(segmentOf(offset).toFile(), "rw")) {
            long position = offset % (64 * 1024);
            file.seek(position);
            int b = file.read();
            file.seek(position);
            file.write(b ^ 0x04);
        }
    }
}
