package io.keelmq.ra.testing;

import io.keelmq.jms.KeelConnectionFactory;
import jakarta.jms.Connection;
import jakarta.jms.JMSException;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/** A plain keel-jms client beside the adapter (what a standalone application would be); close() closes its consumers. */
public final class PlainClient implements AutoCloseable {
    private final Supplier<String> url;
    private final List<Connection> connections = new ArrayList<>();

    /** @param url read at each use: a restarted broker keeps its URL, but tests may change brokers */
    public PlainClient(Supplier<String> url) {
        this.url = url;
    }

    /** A started consumer of a queue, closed by {@link #close()}. */
    public MessageConsumer consumer(String queue) throws JMSException {
        Connection connection = new KeelConnectionFactory(url.get()).createConnection();
        synchronized (connections) {
            connections.add(connection);
        }
        connection.start();
        Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
        return session.createConsumer(session.createQueue(queue));
    }

    /** Sends text messages to a queue or topic, each acknowledged by the broker before the next. */
    public void send(String destination, boolean topic, String... texts) throws JMSException {
        try (Connection connection = new KeelConnectionFactory(url.get()).createConnection()) {
            Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
            MessageProducer producer = session.createProducer(topic ? session.createTopic(destination)
                    : session.createQueue(destination));
            for (String text : texts) {
                producer.send(session.createTextMessage(text));
            }
        }
    }

    @Override
    public void close() {
        synchronized (connections) {
            for (Connection connection : connections) {
                try {
                    connection.close();
                } catch (JMSException | RuntimeException e) {
                    // broken already
                }
            }
            connections.clear();
        }
    }
}
