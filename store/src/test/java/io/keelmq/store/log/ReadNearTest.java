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
}
