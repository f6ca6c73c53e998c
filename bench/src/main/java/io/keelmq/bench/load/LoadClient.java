package io.keelmq.bench.load;

import java.util.function.LongConsumer;

/**
 * How the load loops ({@code ProducerTask}, {@code ConsumerTask}) reach a broker: the same loops, schedule, quota
 * and histograms for every broker, and only this differs. KeelMQ and Artemis are driven through jakarta.jms
 * ({@link JmsLoadClient}); RocketMQ, which has no JMS client, through its own remoting client.
 */
public interface LoadClient {
    /** A connected producer, producer {@code index} of {@code spec.producers()}, ready to send to {@code spec.queue()}. */
    Sender sender(LoadSpec spec, int index) throws Exception;

    /** A connected consumer, consumer {@code index} of {@code spec.consumers()}, ready to receive from {@code spec.queue()}. */
    Receiver receiver(LoadSpec spec, int index) throws Exception;

    /** One producer's connection. */
    interface Sender extends AutoCloseable {
        /** Builds the next message with this body; not timed (the JMS loop always built it before the clock). */
        void prepare(byte[] body) throws Exception;

        /**
         * Sends the prepared message carrying {@code stampNanos} and waits for the broker's answer (and, in a
         * transacted session whose batch is now full, the commit's); returns how many messages that made sent: 1,
         * or in a transacted session 0 or the whole batch.
         */
        int send(long stampNanos) throws Exception;

        /** Ends the producer's work (commits a last partial batch); returns how many messages that made sent. */
        int finish() throws Exception;
    }

    /** One consumer's connection. */
    interface Receiver extends AutoCloseable {
        /** {@link #receive}'s answer when no message came in time. */
        long NO_MESSAGE = Long.MIN_VALUE;
        /** {@link #receive}'s answer for a message without a send time. */
        long UNSTAMPED = Long.MIN_VALUE + 1;

        /** Waits up to {@code pollMillis} for a message; returns its send time, {@link #UNSTAMPED} or {@link #NO_MESSAGE}. */
        long receive(long pollMillis) throws Exception;

        /**
         * Whether this consumer is pushed its messages by the client's own dispatch thread (a JMS MessageListener, for
         * {@link ConsumeMode#LISTENER}) rather than taking them with {@link #receive}. If so, it starts the deliveries
         * now, calling {@code arrival} on the client's thread with each message's send time (or {@link #UNSTAMPED}),
         * and returns true; {@link #receive} and {@link #counted} are then not used. Otherwise it returns false and
         * does nothing.
         */
        boolean listen(LongConsumer arrival) throws Exception;

        /** Called once the message {@link #receive} returned is counted (after the clock): commits or acknowledges a full batch. */
        void counted() throws Exception;

        /**
         * Ends the consumer's work: commits or acknowledges a last partial batch, or stops a listener's deliveries
         * (waiting for one under way) so that no arrival is reported after it returns.
         */
        void finish() throws Exception;
    }
}
