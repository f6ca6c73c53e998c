package io.keelmq.server.delay;

import io.keelmq.protocol.message.WireMessage;
import io.keelmq.protocol.message.WireMessageCodec;
import io.keelmq.server.message.StoredForm;
import io.keelmq.store.MessageRecord;
import io.keelmq.store.StoredMessage;

/**
 * How a delayed message waits in the store: in the broker-internal destination {@value #DESTINATION}
 * (partition 0), its due time as the record's tag hash (what the store's timer reads), its real
 * destination and partition in two broker-private properties. When due it is written again, as it
 * was sent (same message id, headers, properties and body), to its real destination; the private
 * properties are dropped then, so consumers never see them.
 */
public final class TimerForm {
    /** Store destination of waiting delayed messages; no client destination maps to it. */
    public static final String DESTINATION = "system/timer";
    /** Broker-private: store name of the destination a delayed message goes to when due. */
    static final String TARGET = "JMS_Keel_TimerTarget";
    /** Broker-private: the partition it goes to (picked at the send, by session or group). */
    static final String TARGET_PARTITION = "JMS_Keel_TimerPartition";

    private TimerForm() {
    }

    /** Notes the real destination in {@code message}; call before {@link StoredForm#encodeProperties}. */
    public static void park(WireMessage message, String storeDestination, int partition) {
        message.setProperty(TARGET, storeDestination);
        message.setProperty(TARGET_PARTITION, partition);
    }

    /** The record that waits in the timer destination instead of {@code real}, due at {@code dueMillis}. */
    public static MessageRecord timerRecord(MessageRecord real, long dueMillis) {
        return new MessageRecord(DESTINATION, 0, dueMillis, real.bornTimestamp(), real.deliveryCount(),
                real.txState(), real.messageId(), real.keys(), real.properties(), real.body());
    }

    /** A waiting message read back: where it goes and the record to write there. */
    public record Due(String destination, MessageRecord record) {
    }

    /**
     * The record to write to the real destination for the waiting record {@code waiting}.
     *
     * @throws IllegalArgumentException if the record lacks the private properties (not written by a broker)
     */
    static Due unpark(StoredMessage waiting, long now) {
        WireMessage message = WireMessageCodec.decode(waiting.properties());
        Object destination = message.removeProperty(TARGET);
        Object partition = message.removeProperty(TARGET_PARTITION);
        if (!(destination instanceof String) || !(partition instanceof Integer)) {
            throw new IllegalArgumentException("the delayed record at commit-log offset " + waiting.physicalOffset()
                    + " does not name its destination and partition");
        }
        byte[] properties = WireMessageCodec.encode(message);
        return new Due((String) destination, StoredForm.toRecord((String) destination, (Integer) partition, message,
                properties, waiting.body(), now));
    }
}
