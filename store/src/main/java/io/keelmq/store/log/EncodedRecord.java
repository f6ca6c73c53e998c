package io.keelmq.store.log;

import io.keelmq.store.MessageRecord;

import java.nio.ByteBuffer;

/** A record encoded outside the append lock, waiting for its offsets. */
public record EncodedRecord(MessageRecord source, ByteBuffer bytes) {

    public int size() {
        return bytes.remaining();
    }
}
