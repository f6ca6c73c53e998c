package io.keelmq.examples;

import io.keelmq.jms.KeelConnectionFactory;
import io.keelmq.jms.KeelSession;
import io.keelmq.jms.KeelTransactionalProducer;
import io.keelmq.jms.LocalTransactionState;
import io.keelmq.jms.TransactionSendResult;
import jakarta.jms.Connection;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.Queue;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;

import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * An order service that stores each order in its database (H2) and publishes an "order placed" event, atomically
 * without XA, through a KeelMQ transactional producer (RocketMQ's transactional message):
 * <ol>
 * <li>the event is stored on the broker as a half message, invisible to consumers;</li>
 * <li>the local transaction inserts the order row and commits (or rolls back an invalid order);</li>
 * <li>the producer sends COMMIT (the event is delivered) or ROLLBACK (it never is).</li>
 * </ol>
 * If the service dies between 2 and 3, or its answer is lost, the broker asks any live instance of the producer
 * group {@value #GROUP}: {@link #checkLocalTransaction} looks the order up in the database and answers. Start the
 * broker first, then:
 * {@code java -cp examples/target/keel-examples.jar io.keelmq.examples.OrderService [URL] [JDBC_URL]}.
 */
public final class OrderService implements AutoCloseable {
    /** The producer group: every instance of the service registers it and can answer for the others. */
    public static final String GROUP = "order-service";
    public static final String EVENTS = "example-order-events";

    private final java.sql.Connection database;
    private final Connection connection;
    private final KeelSession session;
    private final KeelTransactionalProducer producer;

    public OrderService(String brokerUrl, String jdbcUrl) throws JMSException, SQLException {
        this.database = DriverManager.getConnection(jdbcUrl, "sa", "");
        try (Statement statement = database.createStatement()) {
            statement.execute("CREATE TABLE IF NOT EXISTS orders (id VARCHAR(64) PRIMARY KEY, amount INT NOT NULL)");
        }
        database.setAutoCommit(false);
        this.connection = new KeelConnectionFactory(brokerUrl).createConnection();
        // A transactional producer needs a session that is not transacted: the local transaction decides.
        this.session = (KeelSession) connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
        this.producer = session.createTransactionalProducer(session.createQueue(EVENTS), GROUP,
                this::checkLocalTransaction);
    }

    /** Places an order: the row and the event, both or neither. An amount of 0 or less is refused (rolled back). */
    public synchronized TransactionSendResult placeOrder(String orderId, int amount) throws JMSException {
        TextMessage event = session.createTextMessage("order " + orderId + " placed, amount " + amount);
        event.setStringProperty("orderId", orderId);
        return producer.send(event, message -> {
            try (PreparedStatement insert = database.prepareStatement("INSERT INTO orders VALUES (?, ?)")) {
                insert.setString(1, orderId);
                insert.setInt(2, amount);
                insert.executeUpdate();
                if (amount <= 0) {
                    database.rollback();
                    return LocalTransactionState.ROLLBACK;
                }
                database.commit();
                return LocalTransactionState.COMMIT;
            } catch (SQLException e) {
                database.rollback();
                throw e;   // UNKNOWN for now; the check-back finds no row and answers ROLLBACK
            }
        });
    }

    /** The broker's check-back: the order's row decides. Runs on the connection's check-back thread. */
    private synchronized LocalTransactionState checkLocalTransaction(Message event) throws Exception {
        try (PreparedStatement query = database.prepareStatement("SELECT 1 FROM orders WHERE id = ?")) {
            query.setString(1, event.getStringProperty("orderId"));
            try (ResultSet rows = query.executeQuery()) {
                return rows.next() ? LocalTransactionState.COMMIT : LocalTransactionState.ROLLBACK;
            }
        } finally {
            database.commit();   // ends the read's transaction
        }
    }

    @Override
    public void close() throws JMSException, SQLException {
        connection.close();
        database.close();
    }

    /** The events a consumer receives, until none comes for {@code quietMillis}. */
    public static List<String> receiveEvents(String brokerUrl, long quietMillis) throws JMSException {
        List<String> events = new ArrayList<>();
        try (Connection consumerConnection = new KeelConnectionFactory(brokerUrl).createConnection()) {
            Session consuming = consumerConnection.createSession(false, Session.AUTO_ACKNOWLEDGE);
            Queue queue = consuming.createQueue(EVENTS);
            MessageConsumer consumer = consuming.createConsumer(queue);
            consumerConnection.start();
            Message message;
            while ((message = consumer.receive(quietMillis)) != null) {
                events.add(((TextMessage) message).getText());
            }
        }
        return events;
    }

    public static void main(String[] args) throws Exception {
        String url = args.length > 0 ? args[0] : "keel://127.0.0.1:10911";
        String jdbcUrl = args.length > 1 ? args[1] : "jdbc:h2:mem:orders;DB_CLOSE_DELAY=-1";
        try (OrderService service = new OrderService(url, jdbcUrl)) {
            for (String[] order : new String[][] {{"A-1", "120"}, {"A-2", "0"}, {"A-3", "35"}}) {
                TransactionSendResult result = service.placeOrder(order[0], Integer.parseInt(order[1]));
                System.out.println("order " + order[0] + ": " + result.localTransactionState() + " (message "
                        + result.messageId() + ", transaction " + result.transactionId() + ")");
            }
        }
        List<String> events = receiveEvents(url, 2_000);
        events.forEach(event -> System.out.println("received: " + event));
        if (events.size() != 2) {
            System.exit(1);
        }
    }
}
