package io.keelmq.jms.fake;

import io.keelmq.protocol.message.WireMessage;

/** One message in one subscription of the fake broker, with its delivery state. */
final class FakeEntry {
    enum State { AVAILABLE, IN_FLIGHT, ACKED }

    final int partition;
    final long offset;
    final WireMessage message;
    final String producerConnection;
    State state = State.AVAILABLE;
    FakeConnection holder;
    long sessionId;
    long consumerId;
    /** How many times it was delivered; a release without increment takes one back. */
    int deliveryCount;
    /** Released messages are delivered before newer ones (contract, RECOVER). */
    boolean releasedFirst;

    FakeEntry(int partition, long offset, WireMessage message, String producerConnection) {
        this.partition = partition;
        this.offset = offset;
        this.message = message;
        this.producerConnection = producerConnection;
    }

    void release(boolean increment) {
        state = State.AVAILABLE;
        releasedFirst = true;
        if (!increment) {
            deliveryCount--;
        }
        holder = null;
        sessionId = 0;
        consumerId = 0;
    }

    @Override
    public String toString() {
        return "entry[" + partition + "/" + offset + " " + state + " dc=" + deliveryCount + " id="
                + message.getMessageId() + "]";
    }
}
