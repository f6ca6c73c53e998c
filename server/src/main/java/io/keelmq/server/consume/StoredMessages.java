package io.keelmq.server.consume;

import io.keelmq.protocol.frame.ProtocolException;
import io.keelmq.server.message.DecodedMessage;
import io.keelmq.server.message.StoredForm;
import io.keelmq.store.MessageStore;
import io.keelmq.store.StoredMessage;
import io.keelmq.store.queue.ConsumeQueueEntry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;

/** Reads the message a consume-queue entry points at. */
final class StoredMessages {
    private static final Logger LOG = LoggerFactory.getLogger(StoredMessages.class);

    private StoredMessages() {
    }

    /** The decoded message, or null if it is gone (retention) or cannot be decoded (logged, skipped). */
    static DecodedMessage read(MessageStore store, ConsumeQueueEntry entry) throws IOException {
        return decode(store.read(entry.physicalOffset()));
    }

    /** The decoded message, or null if {@code stored} is (gone) or cannot be decoded (logged, skipped). */
    static DecodedMessage decode(StoredMessage stored) {
        if (stored == null) {
            return null;
        }
        try {
            return StoredForm.decode(stored);
        } catch (ProtocolException e) {
            LOG.error("the message of {} at partition {} offset {} cannot be decoded and is skipped: {}",
                    stored.destination(), stored.partition(), stored.queueOffset(), e.getMessage());
            return null;
        }
    }

    /** About the bytes a message takes in a delivery. */
    static long sizeOf(DecodedMessage message) {
        return message.stored().properties().length + (long) message.stored().body().length + 32;
    }
}
