package io.keelmq.server.consume;

import io.keelmq.server.errors.RequestException;
import io.keelmq.store.MessageStore;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;

/**
 * Where a new subscription starts reading a partition it has no position for (RocketMQ's {@code ConsumeFromWhere}):
 * the log's end, its oldest stored message, or the first message stored at or after a time. Only a new subscription
 * uses it; an existing one goes on from its stored position.
 */
public record StartPosition(Where where, long timestamp) {
    /** The names of CREATE_CONSUMER's {@code consumeFromWhere} header and of the client's option. */
    public enum Where { CONSUME_FROM_LAST_OFFSET, CONSUME_FROM_FIRST_OFFSET, CONSUME_FROM_TIMESTAMP }

    /** RocketMQ's default {@code consumeTimestamp}: half an hour before the subscription is created. */
    static final long DEFAULT_LOOKBACK_MILLIS = 30 * 60_000L;

    public static final StartPosition LAST = new StartPosition(Where.CONSUME_FROM_LAST_OFFSET, 0);
    public static final StartPosition FIRST = new StartPosition(Where.CONSUME_FROM_FIRST_OFFSET, 0);

    public static StartPosition at(long timestamp) {
        return new StartPosition(Where.CONSUME_FROM_TIMESTAMP, timestamp);
    }

    /**
     * From CREATE_CONSUMER's headers: {@code where} null means CONSUME_FROM_LAST_OFFSET (the JMS rule for a new durable
     * subscription); {@code timestamp} null with CONSUME_FROM_TIMESTAMP means half an hour before {@code now}.
     *
     * @throws RequestException ILLEGAL_STATE naming the bad value
     */
    public static StartPosition parse(String where, String timestamp, long now) {
        Where parsed;
        try {
            parsed = where == null ? Where.CONSUME_FROM_LAST_OFFSET : Where.valueOf(where);
        } catch (IllegalArgumentException e) {
            throw RequestException.illegalState("unknown consumeFromWhere '" + where + "' (known: "
                    + Arrays.toString(Where.values()) + ")");
        }
        if (parsed != Where.CONSUME_FROM_TIMESTAMP) {
            return parsed == Where.CONSUME_FROM_FIRST_OFFSET ? FIRST : LAST;
        }
        if (timestamp == null) {
            return at(now - DEFAULT_LOOKBACK_MILLIS);
        }
        try {
            return at(Long.parseLong(timestamp));
        } catch (NumberFormatException e) {
            throw RequestException.illegalState("consumeTimestamp '" + timestamp + "' is not epoch milliseconds");
        }
    }

    /** The queue offset a new subscription starts a partition at. */
    long offset(MessageStore store, String storeDestination, int partition) {
        return switch (where) {
            case CONSUME_FROM_LAST_OFFSET -> store.maxQueueOffset(storeDestination, partition);
            case CONSUME_FROM_FIRST_OFFSET -> store.minQueueOffset(storeDestination, partition);
            case CONSUME_FROM_TIMESTAMP -> {
                try {
                    yield Math.max(store.minQueueOffset(storeDestination, partition),
                            store.queueOffsetAtTime(storeDestination, partition, timestamp));
                } catch (IOException e) {
                    throw new UncheckedIOException("cannot find the offset of " + storeDestination + " partition "
                            + partition + " at time " + timestamp, e);
                }
            }
        };
    }
}
