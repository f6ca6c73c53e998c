package io.keelmq.store;

import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * A message as handed to the store for appending. The store is JMS-agnostic:
 * {@code properties} and {@code body} are opaque bytes; only the fields the store
 * itself needs (destination and partition for the consume queue, tag hash for
 * filtering, message id and keys for the index) are explicit.
 *
 * @param keys space-separated message keys for the index (RocketMQ's KEYS), may be empty
 */
public record MessageRecord(String destination, int partition, long tagHash, long bornTimestamp,
                            int deliveryCount, TxState txState, String messageId, String keys,
                            byte[] properties, byte[] body) {

    public MessageRecord {
        Objects.requireNonNull(destination, "destination");
        txState = txState == null ? TxState.NONE : txState;
        messageId = messageId == null ? "" : messageId;
        keys = keys == null ? "" : keys;
        properties = properties == null ? new byte[0] : properties;
        body = body == null ? new byte[0] : body;
    }

    /** Space-separated keys as a list (empty when none); the one place keys are split. */
    public static java.util.List<String> splitKeys(String keys) {
        return keys.isBlank() ? java.util.List.of() : java.util.List.of(keys.trim().split("\\s+"));
    }

    /** The tag hash the consume queue stores for a tag; 0 for no tag. */
    public static long tagHash(String tag) {
        return tag == null || tag.isEmpty() ? 0L : tag.hashCode();
    }

    public static Builder builder(String destination) {
        return new Builder(destination);
    }

    public static final class Builder {
        private final String destination;
        private int partition;
        private long tagHash;
        private long bornTimestamp = System.currentTimeMillis();
        private int deliveryCount;
        private TxState txState = TxState.NONE;
        private String messageId = "";
        private String keys = "";
        private byte[] properties = new byte[0];
        private byte[] body = new byte[0];

        private Builder(String destination) {
            this.destination = destination;
        }

        public Builder partition(int partition) { this.partition = partition; return this; }
        public Builder tag(String tag) { this.tagHash = MessageRecord.tagHash(tag); return this; }
        public Builder tagHash(long tagHash) { this.tagHash = tagHash; return this; }
        public Builder bornTimestamp(long millis) { this.bornTimestamp = millis; return this; }
        public Builder deliveryCount(int count) { this.deliveryCount = count; return this; }
        public Builder txState(TxState state) { this.txState = state; return this; }
        public Builder messageId(String id) { this.messageId = id; return this; }
        public Builder keys(String keys) { this.keys = keys; return this; }
        public Builder properties(byte[] properties) { this.properties = properties; return this; }
        public Builder body(byte[] body) { this.body = body; return this; }
        public Builder body(String text) { this.body = text.getBytes(StandardCharsets.UTF_8); return this; }

        public MessageRecord build() {
            return new MessageRecord(destination, partition, tagHash, bornTimestamp, deliveryCount,
                    txState, messageId, keys, properties, body);
        }
    }
}
