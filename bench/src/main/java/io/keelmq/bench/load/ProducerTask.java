package io.keelmq.bench.load;

import io.keelmq.jms.KeelSession;
import io.keelmq.jms.KeelTransactionalProducer;
import io.keelmq.jms.LocalTransactionState;
import jakarta.jms.BytesMessage;
import jakarta.jms.Connection;
import jakarta.jms.ConnectionFactory;
import jakarta.jms.DeliveryMode;
import jakarta.jms.JMSException;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;
import org.HdrHistogram.Histogram;

import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;

/**
 * One producer: its own connection and session (so producers do not share a socket or a session lock),
 * PERSISTENT BytesMessages of the given size, until the shared quota says stop. In a transacted session
 * it commits every batch and the last partial batch. As a KeelMQ transactional producer each send stores a half
 * message, runs an empty local transaction and commits it.
 */
final class ProducerTask implements Callable<ProducerTask.Result> {
    record Result(long sent, long endNanos, Histogram sendLatency) {
    }

    private final ConnectionFactory factory;
    private final LoadSpec spec;
    private final int index;
    private final Start start;
    private final LongAdder sent;
    private final AtomicBoolean abort;

    ProducerTask(ConnectionFactory factory, LoadSpec spec, int index, Start start, LongAdder sent,
                 AtomicBoolean abort) {
        this.factory = factory;
        this.spec = spec;
        this.index = index;
        this.start = start;
        this.sent = sent;
        this.abort = abort;
    }

    /** How a message is sent: a plain producer, or a KeelMQ transactional producer that commits each at once. */
    private interface Sender {
        void send(BytesMessage message) throws JMSException;
    }

    private Sender sender(Session session) throws JMSException {
        if (spec.producerGroup() != null) {
            KeelTransactionalProducer producer = ((KeelSession) session).createTransactionalProducer(
                    session.createQueue(spec.queue()), spec.producerGroup(), message -> LocalTransactionState.COMMIT);
            return message -> producer.send(message, sent -> LocalTransactionState.COMMIT);
        }
        MessageProducer producer = session.createProducer(session.createQueue(spec.queue()));
        producer.setDeliveryMode(DeliveryMode.PERSISTENT);
        return producer::send;
    }

    @Override
    public Result call() throws Exception {
        Histogram latency = spec.recordsSendLatency() ? new Histogram(3) : null;
        byte[] payload = Payload.of(spec.messageSize());
        boolean transacted = spec.batch() > 0;
        long count = 0;
        boolean arrived = false;
        Connection connection = null;
        try {
            connection = factory.createConnection();
            Session session = connection.createSession(transacted,
                    transacted ? Session.SESSION_TRANSACTED : Session.AUTO_ACKNOWLEDGE);
            Sender producer = sender(session);
            start.arrive();
            arrived = true;
            long startNanos = start.awaitGo();
            Schedule schedule = spec.rate() > 0 ? new Schedule(spec.rate(), spec.producers(), index, startNanos) : null;
            int inBatch = 0;
            while (!abort.get() && spec.quota().take()) {
                long due = 0;
                if (schedule != null) {
                    due = schedule.next();
                    Schedule.waitUntil(due);
                }
                BytesMessage message = session.createBytesMessage();
                message.writeBytes(payload);
                long before = System.nanoTime();
                long origin = schedule != null ? due : before;
                message.setLongProperty(Stamp.PROPERTY, origin);
                producer.send(message);
                if (transacted && ++inBatch == spec.batch()) {
                    session.commit();
                    inBatch = 0;
                }
                if (latency != null) {
                    // A transacted send is done when its batch's commit is answered (half's Artemis arm: every one).
                    latency.recordValue(Math.max(0, System.nanoTime() - origin));
                }
                if (!transacted) {
                    count++;
                    sent.increment();
                } else if (inBatch == 0) {
                    // Only committed messages count as sent: a rolled-back batch was never there.
                    count += spec.batch();
                    sent.add(spec.batch());
                }
            }
            if (transacted && inBatch > 0) {
                session.commit();
                count += inBatch;
                sent.add(inBatch);
            }
            return new Result(count, System.nanoTime(), latency);
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
