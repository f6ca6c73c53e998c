package io.keelmq.server.ha;

import io.keelmq.store.log.RecordCodec;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

/** Reads a stopped broker's commit log as its records' bytes, segment by segment, to compare two brokers' logs. */
public final class CommitLogRecords {
    private CommitLogRecords() {
    }

    /** Every record (and each segment's end marker, as an 8-byte entry), in log order, with its offset first. */
    public static List<byte[]> read(Path commitLogDir) throws IOException {
        List<Path> segments;
        try (Stream<Path> files = Files.list(commitLogDir)) {
            segments = files.sorted().toList();
        }
        List<byte[]> records = new ArrayList<>();
        for (Path segment : segments) {
            ByteBuffer file = ByteBuffer.wrap(Files.readAllBytes(segment));
            long base = Long.parseLong(segment.getFileName().toString());
            int position = 0;
            while (position + 8 <= file.limit()) {
                int length = file.getInt(position);
                int magic = file.getInt(position + 4);
                if (magic == RecordCodec.BLANK_MAGIC) {
                    records.add(withOffset(base + position, Arrays.copyOfRange(file.array(), position, position + 8)));
                    break;
                }
                if (magic != RecordCodec.MAGIC || length < RecordCodec.FIXED_HEADER || position + length > file.limit()) {
                    break;          // the end of the records (zeros of the prefill, or the file's end)
                }
                records.add(withOffset(base + position, Arrays.copyOfRange(file.array(), position, position + length)));
                position += length;
            }
        }
        return records;
    }

    private static byte[] withOffset(long offset, byte[] bytes) {
        return ByteBuffer.allocate(8 + bytes.length).putLong(offset).put(bytes).array();
    }

    public static void assertIdentical(List<byte[]> master, List<byte[]> slave) {
        assertEquals(master.size(), slave.size(), "records (and segment ends) in the master's and the slave's log");
        for (int i = 0; i < master.size(); i++) {
            if (!Arrays.equals(master.get(i), slave.get(i))) {
                fail("record " + i + " at offset " + ByteBuffer.wrap(master.get(i)).getLong(0) + " differs");
            }
        }
    }
}
