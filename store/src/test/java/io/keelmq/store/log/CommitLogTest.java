package io.keelmq.store.log;

import io.keelmq.store.AppendResult;
import io.keelmq.store.AppendStatus;
import io.keelmq.store.MessageRecord;
import io.keelmq.store.MessageStore;
import io.keelmq.store.StoredMessage;
import io.keelmq.store.testing.Records;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CommitLogTest {

    @TempDir
    Path dir;

    private List<String> segmentNames() throws Exception {
        try (Stream<Path> files = Files.list(dir.resolve("commitlog"))) {
            return files.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void appendsRollOverSegmentsAndEveryRecordReadsBack() throws Exception {
        List<AppendResult> results = new ArrayList<>();
        try (MessageStore store = MessageStore.open(Records.smallStore(dir))) {
            for (int i = 0; i < 300; i++) {
                AppendResult result = store.append(Records.record("q", 0, "m" + i, 700));
                assertEquals(AppendStatus.PUT_OK, result.status(), result.error());
                results.add(result);
            }
            for (int i = 0; i < 300; i++) {
                StoredMessage message = store.read(results.get(i).physicalOffset());
                assertEquals("m" + i, Records.nameOf(message.body()));
                assertEquals(i, message.queueOffset());
            }
        }
        List<String> segments = segmentNames();
        assertTrue(segments.size() >= 3, "300 records of ~800 bytes must span several 64 KiB segments: " + segments);
        for (int i = 0; i < segments.size(); i++) {
            assertEquals(String.format("%020d", (long) i * 64 * 1024), segments.get(i), "segments are named by start offset");
        }
        // A record never straddles two segments.
        for (AppendResult result : results) {
            long start = result.physicalOffset();
            long end = start + result.records().get(0).size() - 1;
            assertEquals(start / (64 * 1024), end / (64 * 1024), "record at " + start + " straddles a segment");
        }
    }

    @Test
    void aBatchIsWrittenContiguouslyWithConsecutiveQueueOffsets() throws Exception {
        try (MessageStore store = MessageStore.open(Records.smallStore(dir))) {
            store.append(Records.record("q", 1, "first", 100));
            List<MessageRecord> batch = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                batch.add(Records.record("q", 1, "b" + i, 100));
            }
            AppendResult result = store.appendBatch(batch);
            assertEquals(AppendStatus.PUT_OK, result.status());
            assertEquals(10, result.records().size());
            for (int i = 0; i < 10; i++) {
                AppendResult.AppendedRecord placed = result.records().get(i);
                assertEquals(1 + i, placed.queueOffset());
                if (i > 0) {
                    AppendResult.AppendedRecord previous = result.records().get(i - 1);
                    assertEquals(previous.physicalOffset() + previous.size(), placed.physicalOffset());
                }
                assertEquals("b" + i, Records.nameOf(store.read(placed.physicalOffset()).body()));
            }
        }
    }

    @Test
    void readingPastTheEndAnswersNothing() throws Exception {
        try (MessageStore store = MessageStore.open(Records.smallStore(dir))) {
            AppendResult result = store.append(Records.record("q", 0, "only", 10));
            assertNull(store.read(result.physicalOffset() + result.records().get(0).size()));
            assertNull(store.read(1_000_000));
        }
    }

    @Test
    void segmentsAndOffsetsContinueAfterReopen() throws Exception {
        long lastOffset;
        try (MessageStore store = MessageStore.open(Records.smallStore(dir))) {
            for (int i = 0; i < 100; i++) {
                store.append(Records.record("q", 0, "a" + i, 900));
            }
            lastOffset = store.commitLogMaxOffset();
        }
        try (MessageStore store = MessageStore.open(Records.smallStore(dir))) {
            assertTrue(store.recoveryReport().cleanShutdown());
            assertEquals(lastOffset, store.commitLogMaxOffset());
            AppendResult next = store.append(Records.record("q", 0, "after", 900));
            assertEquals(100, next.queueOffset());
            assertTrue(next.physicalOffset() >= lastOffset);
            assertArrayEquals(Records.body("after", 900), store.read(next.physicalOffset()).body());
            assertEquals("a0", Records.nameOf(store.readQueue("q", 0, 0, 1).get(0).body()));
        }
    }
}
