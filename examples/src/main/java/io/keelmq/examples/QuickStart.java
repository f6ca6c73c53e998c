package io.keelmq.examples;

import jakarta.jms.Connection;
import jakarta.jms.ConnectionFactory;
import jakarta.jms.DeliveryMode;
import jakarta.jms.JMSException;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageProducer;
import jakarta.jms.Queue;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;

import javax.naming.Context;
import javax.naming.InitialContext;
import javax.naming.NamingException;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

/**
 * Sends persistent messages to a queue and receives them back, through JNDI and the
 * standard Jakarta Messaging API only. Start the broker first ({@code server/bin/keel-server}),
 * then: {@code java -jar examples/target/keel-examples.jar [URL] [COUNT]}.
 *
 * <p>Each {@code send()} of a PERSISTENT message returns only after the broker has forced
 * it to disk, so once this program says "sent", the messages survive a broker crash.
 */
public final class QuickStart {

    private QuickStart() {
    }

    public static void main(String[] args) throws Exception {
        String url = args.length > 0 ? args[0] : null;
        int count = args.length > 1 ? Integer.parseInt(args[1]) : 10;
        List<String> received = run(url, count);
        System.out.println("received " + received.size() + " of " + count + " messages");
        if (received.size() != count) {
            System.exit(1);
        }
    }

    /**
     * Sends {@code count} messages and receives them.
     *
     * @param url the broker URL, or null for the one in jndi.properties
     * @return the texts received, in order
     */
    public static List<String> run(String url, int count) throws NamingException, JMSException {
        Properties environment = new Properties();
        if (url != null) {
            environment.put(Context.PROVIDER_URL, url);
        }
        Context jndi = new InitialContext(environment);
        try {
            ConnectionFactory factory = (ConnectionFactory) jndi.lookup("ConnectionFactory");
            Queue queue = (Queue) jndi.lookup("quickstart");
            try (Connection connection = factory.createConnection()) {
                Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
                MessageProducer producer = session.createProducer(queue);
                producer.setDeliveryMode(DeliveryMode.PERSISTENT);
                for (int i = 1; i <= count; i++) {
                    producer.send(session.createTextMessage("hello " + i));
                }
                System.out.println("sent " + count + " persistent messages to " + queue.getQueueName());

                MessageConsumer consumer = session.createConsumer(queue);
                connection.start();
                List<String> received = new ArrayList<>();
                while (received.size() < count) {
                    TextMessage message = (TextMessage) consumer.receive(5_000);
                    if (message == null) {
                        break;
                    }
                    received.add(message.getText());
                    System.out.println("received " + message.getText() + " (" + message.getJMSMessageID() + ")");
                }
                return received;
            }
        } finally {
            jndi.close();
        }
    }
}
