package io.keelmq.bench.load;

import io.keelmq.jms.KeelSession;
import io.keelmq.jms.KeelTransactionalProducer;
import io.keelmq.jms.LocalTransactionState;
import jakarta.jms.BytesMessage;
import jakarta.jms.Connection;
import jakarta.jms.ConnectionFactory;
import jakarta.jms.DeliveryMode;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;

import java.util.function.LongConsumer;

/**
 * The load through jakarta.jms, the same code for KeelMQ and Artemis: every producer and consumer its own connection
 * and session (so none share a socket or a session lock), PERSISTENT BytesMessages; producers in AUTO_ACKNOWLEDGE or a
 * transacted session committing every {@code spec.batch()} messages, consumers in the session their
 * {@link ConsumeMode} asks for. As a KeelMQ transactional producer each send stores a half
 * message, runs an empty local transaction and commits it.
 */
public final class JmsLoadClient implements LoadClient {
    /** A factory per call, as the brokers hand them out. */
    public interface Factories {
        ConnectionFactory connectionFactory() throws JMSException;
    }

    private final Factories factories;

    public JmsLoadClient(Factories factories) {
        this.factories = factories;
    }

    @Override
    public Sender sender(LoadSpec spec, int index) throws JMSException {
        Connection connection = factories.connectionFactory().createConnection();
        try {
            return new JmsSender(connection, spec);
        } catch (JMSException | RuntimeException e) {
            connection.close();
            throw e;
        }
    }

    @Override
    public Receiver receiver(LoadSpec spec, int index) throws JMSException {
        Connection connection = factories.connectionFactory().createConnection();
        try {
            return new JmsReceiver(connection, spec);
        } catch (JMSException | RuntimeException e) {
            connection.close();
            throw e;
        }
    }

    /** A producer's session: transacted when the spec sets a batch, AUTO_ACKNOWLEDGE otherwise. */
    private static Session producerSession(Connection connection, LoadSpec spec) throws JMSException {
        boolean transacted = spec.batch() > 0;
        return connection.createSession(transacted, transacted ? Session.SESSION_TRANSACTED : Session.AUTO_ACKNOWLEDGE);
    }

    private static final class JmsSender implements Sender {
        /** How a message is sent: a plain producer, or a KeelMQ transactional producer that commits each at once. */
        private interface Send {
            void send(BytesMessage message) throws JMSException;
        }

        private final Connection connection;
        private final Session session;
        private final Send producer;
        private final int batch;
        private int inBatch;
        private BytesMessage prepared;

        JmsSender(Connection connection, LoadSpec spec) throws JMSException {
            this.connection = connection;
            this.session = producerSession(connection, spec);
            this.batch = spec.batch();
            if (spec.producerGroup() != null) {
                KeelTransactionalProducer transactional = ((KeelSession) session).createTransactionalProducer(
                        session.createQueue(spec.queue()), spec.producerGroup(), message -> LocalTransactionState.COMMIT);
                producer = message -> transactional.send(message, sent -> LocalTransactionState.COMMIT);
            } else {
                MessageProducer plain = session.createProducer(session.createQueue(spec.queue()));
                plain.setDeliveryMode(DeliveryMode.PERSISTENT);
                producer = plain::send;
            }
        }

        @Override
        public void prepare(byte[] body) throws JMSException {
            prepared = session.createBytesMessage();
            prepared.writeBytes(body);
        }

        @Override
        public int send(long stampNanos) throws JMSException {
            BytesMessage message = prepared;
            prepared = null;
            message.setLongProperty(Stamp.PROPERTY, stampNanos);
            producer.send(message);
            if (batch == 0) {
                return 1;
            }
            if (++inBatch < batch) {
                return 0;
            }
            // Only committed messages count as sent: a rolled-back batch was never there.
            session.commit();
            inBatch = 0;
            return batch;
        }

        @Override
        public int finish() throws JMSException {
            if (batch == 0 || inBatch == 0) {
                return 0;
            }
            session.commit();
            int committed = inBatch;
            inBatch = 0;
            return committed;
        }

        @Override
        public void close() throws JMSException {
            connection.close();
        }
    }

    /**
     * A consumer in the session {@link LoadSpec#consumeMode()} asks for: receive() in AUTO_ACKNOWLEDGE or
     * DUPS_OK_ACKNOWLEDGE; in CLIENT_ACKNOWLEDGE acknowledging, in a transacted session committing, every
     * {@link LoadSpec#consumerBatch()} messages and what is left at the end; or a MessageListener in AUTO_ACKNOWLEDGE
     * (acknowledged as onMessage returns), whose connection starts only when it {@linkplain #listen listens}.
     */
    private static final class JmsReceiver implements Receiver {
        private final Connection connection;
        private final Session session;
        private final MessageConsumer consumer;
        private final ConsumeMode mode;
        private final int batch;
        private int inBatch;
        private Message last;

        JmsReceiver(Connection connection, LoadSpec spec) throws JMSException {
            this.connection = connection;
            this.mode = spec.consumeMode();
            this.session = connection.createSession(mode == ConsumeMode.TRANSACTED, sessionMode(mode));
            this.consumer = session.createConsumer(session.createQueue(spec.queue()));
            this.batch = spec.consumerBatch();
            if (mode != ConsumeMode.LISTENER) {
                connection.start();
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

        private static long stamp(Message message) throws JMSException {
            return message.propertyExists(Stamp.PROPERTY) ? message.getLongProperty(Stamp.PROPERTY) : UNSTAMPED;
        }

        @Override
        public long receive(long pollMillis) throws JMSException {
            Message message = consumer.receive(pollMillis);
            if (message == null) {
                return NO_MESSAGE;
            }
            last = message;
            return stamp(message);
        }

        @Override
        public boolean listen(LongConsumer arrival) throws JMSException {
            if (mode != ConsumeMode.LISTENER) {
                return false;
            }
            consumer.setMessageListener(message -> {
                try {
                    arrival.accept(stamp(message));
                } catch (JMSException e) {
                    throw new IllegalStateException("the bench's timestamp property could not be read", e);
                }
            });
            // Started after the common start, as the receive loops only begin then: a backlog is not drained early.
            connection.start();
            return true;
        }

        @Override
        public void counted() throws JMSException {
            if (batch > 0 && ++inBatch == batch) {
                settle();
            }
        }

        @Override
        public void finish() throws JMSException {
            if (mode == ConsumeMode.LISTENER) {
                // Returns once a listener still in onMessage has returned: nothing arrives after this.
                connection.stop();
            } else if (batch > 0 && inBatch > 0) {
                // What is left would otherwise be released at close and received again by a consumer still running.
                settle();
            }
        }

        private void settle() throws JMSException {
            if (mode == ConsumeMode.TRANSACTED) {
                session.commit();
            } else if (mode == ConsumeMode.CLIENT) {
                last.acknowledge();
            }
            inBatch = 0;
        }

        @Override
        public void close() throws JMSException {
            connection.close();
        }
    }
}
