package io.keelmq.store.log;

import io.keelmq.store.AppendResult;
import io.keelmq.store.AppendStatus;
import io.keelmq.store.MessageStore;
import io.keelmq.store.StoredMessage;
import io.keelmq.store.testing.Records;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/**
 * MessageStore.readNear (CommitLog.readNear): records close together are read in one positional read, and every
 * record comes back as a read of its own would return it, across segment ends, with gaps between them (another
 * partition's records), with a size that disagrees with the record, and past the end of the log.
 */
class ReadNearTest {
    @TempDir
    Path dir;

    @Test
    void everyRecordReadsBackAsAReadOfItsOwnWould() throws Exception {
        try (MessageStore store = MessageStore.open(Records.smallStore(dir))) {
            List<AppendResult.AppendedRecord> mine = new ArrayList<>();
            for (int i = 0; i < 300; i++) {
                // Records of partition 0 interleaved with partition 1's, over several 64 KiB segments.
                AppendResult result = store.append(Records.record("q", i % 2, "m" + i, 300 + i));
                assertEquals(AppendStatus.PUT_OK, result.status(), result.error());
                if (i % 2 == 0) {
                    mine.add(result.records().get(0));
                }
            }
            long[] offsets = new long[mine.size() + 1];
            int[] sizes = new int[mine.size() + 1];
            for (int i = 0; i < mine.size(); i++) {
                offsets[i] = mine.get(i).physicalOffset();
                sizes[i] = mine.get(i).size();
            }
            sizes[7] += 1; // a size that disagrees: that record is read alone, and still right
            offsets[mine.size()] = Long.MAX_VALUE / 2; // past the end of the log: nothing stored
            sizes[mine.size()] = 500;
            long readsBefore = store.recordsRead();

            StoredMessage[] near = store.readNear(offsets, sizes);

            assertEquals(offsets.length, near.length);
            for (int i = 0; i < mine.size(); i++) {
                StoredMessage alone = store.read(offsets[i]);
                assertEquals("m" + (2 * i), Records.nameOf(near[i].body()));
                assertEquals(alone.physicalOffset(), near[i].physicalOffset(), "record " + i);
                assertEquals(alone.size(), near[i].size(), "record " + i);
                assertEquals(alone.queueOffset(), near[i].queueOffset(), "record " + i);
                assertEquals(alone.messageId(), near[i].messageId(), "record " + i);
                assertArrayEquals(alone.properties(), near[i].properties(), "record " + i);
                assertArrayEquals(alone.body(), near[i].body(), "record " + i);
            }
            assertNull(near[mine.size()]);
            assertEquals(offsets.length + mine.size(), store.recordsRead() - readsBefore,
                    "counted per record asked for, as read(long) counts");
        }
    }

    /**
     * The reading thread's run buffer is reused by its next readNear: the messages of an earlier run must not be
     * views of it. The broker writes a PULL answer from these arrays when Netty encodes it, later and on another
     * thread (DeliveryCodec.deliveries), so a message sharing the buffer would go out with another run's bytes.
     */
    @Test
    void messagesReadEarlierKeepTheirBytesWhenTheThreadReadsTheNextRun() throws Exception {
        try (MessageStore store = MessageStore.open(Records.smallStore(dir))) {
            List<AppendResult.AppendedRecord> records = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                AppendResult result = store.append(Records.record("q", 0, "m" + i, 300 + i));
                assertEquals(AppendStatus.PUT_OK, result.status(), result.error());
                records.add(result.records().get(0));
            }
            StoredMessage[] first = readNear(store, records.subList(0, 100));
            byte[][] bodies = new byte[first.length][];
            byte[][] properties = new byte[first.length][];
            for (int i = 0; i < first.length; i++) {
                bodies[i] = first[i].body().clone();
                properties[i] = first[i].properties().clone();
            }

            StoredMessage[] second = readNear(store, records.subList(100, 200));   // same thread, same run buffer

            assertEquals("m100", Records.nameOf(second[0].body()));
            for (int i = 0; i < first.length; i++) {
                assertArrayEquals(bodies[i], first[i].body(), "body of record " + i);
                assertArrayEquals(properties[i], first[i].properties(), "properties of record " + i);
                assertEquals("m" + i, Records.nameOf(first[i].body()));
            }
        }
    }

    private static StoredMessage[] readNear(MessageStore store, List<AppendResult.AppendedRecord> records)
            throws Exception {
        long[] offsets = new long[records.size()];
        int[] sizes = new int[records.size()];
        for (int i = 0; i < records.size(); i++) {
            offsets[i] = records.get(i).physicalOffset();
            sizes[i] = records.get(i).size();
        }
        return store.readNear(offsets, sizes);
    }
}
