package io.keelmq.store.testing;

import io.keelmq.store.MessageRecord;
import io.keelmq.store.StoreConfig;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;

/** Test records and small-store settings. */
public final class Records {
    private Records() {
    }

    /** A store small enough that tests roll segments and files often. */
    public static StoreConfig smallStore(Path dir) {
        return new StoreConfig()
                .storePathRootDir(dir)
                .mappedFileSizeCommitLog(64 * 1024)
                .maxMessageSize(16 * 1024)
                .consumeQueueEntriesPerFile(32)
                .maxHashSlotNum(64)
                .maxIndexNum(256)
                .syncFlushTimeout(5_000)
                .flushIntervalConsumeQueue(50)
                .cleanResourceInterval(3_600_000)
                .deleteWhen(4);
    }

    /** A record whose body names it, padded to {@code size} bytes. */
    public static MessageRecord record(String destination, int partition, String name, int size) {
        return MessageRecord.builder(destination).partition(partition).messageId("id-" + name).keys("k-" + name)
                .body(body(name, size)).build();
    }

    public static byte[] body(String name, int size) {
        byte[] prefix = (name + ":").getBytes(StandardCharsets.UTF_8);
        byte[] body = Arrays.copyOf(prefix, Math.max(size, prefix.length));
        Arrays.fill(body, prefix.length, body.length, (byte) ('a' + Math.floorMod(name.hashCode(), 26)));
        return body;
    }

    public static String nameOf(byte[] body) {
        String text = new String(body, StandardCharsets.UTF_8);
        return text.substring(0, text.indexOf(':'));
    }
}
