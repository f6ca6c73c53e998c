package io.keelmq.store.log;

import java.io.IOException;

/** A record whose length, magic, position or CRC does not check out. */
public final class CorruptRecordException extends IOException {
    private final long physicalOffset;

    public CorruptRecordException(long physicalOffset, String problem) {
        super("corrupt record at commit-log offset " + physicalOffset + ": " + problem);
        this.physicalOffset = physicalOffset;
    }

    public long physicalOffset() {
        return physicalOffset;
    }
}
