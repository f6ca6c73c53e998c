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
 * provider; a listener would measure each provider's dispatch threads instead), until the goal says
 * every sent message has arrived. In a transacted session it commits every batch and what is left.
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
        boolean transacted = spec.batch() > 0;
        long count = 0;
        long lastReceive = 0;
        boolean arrived = false;
        Connection connection = null;
        try {
            connection = factory.createConnection();
            Session session = connection.createSession(transacted,
                    transacted ? Session.SESSION_TRANSACTED : Session.AUTO_ACKNOWLEDGE);
            MessageConsumer consumer = session.createConsumer(session.createQueue(spec.queue()));
            connection.start();
            start.arrive();
            arrived = true;
            start.awaitGo();
            int inBatch = 0;
            while (!abort.get()) {
                Message message = consumer.receive(POLL_MILLIS);
                long now = System.nanoTime();
                if (message != null) {
                    if (latency != null && message.propertyExists(Stamp.PROPERTY)) {
                        latency.recordValue(Math.max(0, now - message.getLongProperty(Stamp.PROPERTY)));
                    }
                    count++;
                    lastReceive = now;
                    if (transacted && ++inBatch == spec.batch()) {
                        session.commit();
                        inBatch = 0;
                    }
                    goal.received(now);
                }
                if (goal.done(now)) {
                    break;
                }
            }
            if (transacted && inBatch > 0) {
                session.commit();
            }
            return new Result(count, lastReceive, latency);
        } finally {
            if (!arrived) {
                start.arrive();
            }
            if (connection != null) {
                connection.close();
            }
        }
    }
}
