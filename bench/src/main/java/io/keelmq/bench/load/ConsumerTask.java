package io.keelmq.bench.load;

import jakarta.jms.Connection;
import jakarta.jms.ConnectionFactory;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.Session;
import org.HdrHistogram.Histogram;

import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One consumer: its own connection and session, a synchronous receive loop (the same code for every
 * provider), or a MessageListener with {@link ConsumeMode#LISTENER} (which measures each provider's dispatch
 * thread too), until the goal says every sent message has arrived. In a transacted session it commits every
 * batch and what is left; in CLIENT_ACKNOWLEDGE it acknowledges likewise.
 */
final class ConsumerTask implements Callable<ConsumerTask.Result> {
    record Result(long received, long lastReceiveNanos, Histogram endToEnd) {
    }

    /** Short, so a consumer notices the goal soon after the last message went to another consumer. */
    private static final long POLL_MILLIS = 100;

    private final ConnectionFactory factory;
    private final LoadSpec spec;
    private final Start start;
    private final ReceiveGoal goal;
    private final AtomicBoolean abort;

    ConsumerTask(ConnectionFactory factory, LoadSpec spec, Start start, ReceiveGoal goal, AtomicBoolean abort) {
        this.factory = factory;
        this.spec = spec;
        this.start = start;
        this.goal = goal;
        this.abort = abort;
    }

    @Override
    public Result call() throws Exception {
        Histogram latency = spec.recordsEndToEnd() ? new Histogram(3) : null;
        ConsumeMode mode = spec.consumeMode();
        boolean arrived = false;
        Connection connection = null;
        try {
            connection = factory.createConnection();
            Session session = connection.createSession(mode == ConsumeMode.TRANSACTED, sessionMode(mode));
            MessageConsumer consumer = session.createConsumer(session.createQueue(spec.queue()));
            Tally tally = new Tally(latency);
            if (mode == ConsumeMode.LISTENER) {
                consumer.setMessageListener(message -> tally.received(message));
            }
            connection.start();
            start.arrive();
            arrived = true;
            start.awaitGo();
            if (mode == ConsumeMode.LISTENER) {
                awaitGoal();
                // Stops the listener (waiting for one in onMessage) before the tally is read.
                connection.stop();
            } else {
                receiveLoop(session, consumer, mode, tally);
            }
            synchronized (tally) {
                return new Result(tally.count, tally.lastReceive, latency);
            }
        } finally {
            if (!arrived) {
                start.arrive();
            }
            if (connection != null) {
                connection.close();
            }
        }
    }

    private static int sessionMode(ConsumeMode mode) {
        return switch (mode) {
            case TRANSACTED -> Session.SESSION_TRANSACTED;
            case DUPS_OK -> Session.DUPS_OK_ACKNOWLEDGE;
            case CLIENT -> Session.CLIENT_ACKNOWLEDGE;
            case AUTO, LISTENER -> Session.AUTO_ACKNOWLEDGE;
        };
    }

    private void receiveLoop(Session session, MessageConsumer consumer, ConsumeMode mode, Tally tally)
            throws Exception {
        int batch = spec.consumerBatch();
        int inBatch = 0;
        Message last = null;
        while (!abort.get()) {
            Message message = consumer.receive(POLL_MILLIS);
            if (message != null) {
                tally.received(message);
                last = message;
                if (batch > 0 && ++inBatch == batch) {
                    settle(session, mode, message);
                    inBatch = 0;
                }
            }
            if (goal.done(System.nanoTime())) {
                break;
            }
        }
        if (inBatch > 0) {
            // What is left would otherwise be released at close and received again by a consumer still running.
            settle(session, mode, last);
        }
    }

    private static void settle(Session session, ConsumeMode mode, Message last) throws Exception {
        if (mode == ConsumeMode.TRANSACTED) {
            session.commit();
        } else if (mode == ConsumeMode.CLIENT) {
            last.acknowledge();
        }
    }

    private void awaitGoal() throws InterruptedException {
        while (!abort.get() && !goal.done(System.nanoTime())) {
            Thread.sleep(POLL_MILLIS / 10);
        }
    }

    /** What one consumer received; written by its receive loop or its listener's thread. */
    private final class Tally {
        private final Histogram latency;
        private long count;
        private long lastReceive;

        Tally(Histogram latency) {
            this.latency = latency;
        }

        synchronized void received(Message message) {
            long now = System.nanoTime();
            try {
                if (latency != null && message.propertyExists(Stamp.PROPERTY)) {
                    latency.recordValue(Math.max(0, now - message.getLongProperty(Stamp.PROPERTY)));
                }
            } catch (jakarta.jms.JMSException e) {
                throw new IllegalStateException("the bench's timestamp property could not be read", e);
            }
            count++;
            lastReceive = now;
            goal.received(now);
        }
    }
}
