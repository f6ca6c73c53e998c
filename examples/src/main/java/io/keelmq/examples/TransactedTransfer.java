package io.keelmq.examples;

import io.keelmq.jms.KeelConnectionFactory;
import jakarta.jms.Connection;
import jakarta.jms.ConnectionFactory;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageProducer;
import jakarta.jms.Queue;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;

import java.util.ArrayList;
import java.util.List;

/**
 * A transacted session that takes each order from one queue and writes an invoice and a shipment to two
 * others, all or nothing: {@code commit()} makes the two sends visible and the order consumed at once, and
 * {@code rollback()} forgets the sends and gives the order back (redelivered, JMSRedelivered=true).
 * The first attempt at order 2 fails on purpose to show it. Start the broker first, then:
 * {@code java -cp examples/target/keel-examples.jar io.keelmq.examples.TransactedTransfer [URL] [COUNT]}.
 */
public final class TransactedTransfer {

    /** What the run saw. */
    public record Outcome(List<String> invoices, List<String> shipments, int redeliveries, int ordersLeft) {
    }

    private TransactedTransfer() {
    }

    public static void main(String[] args) throws Exception {
        String url = args.length > 0 ? args[0] : "keel://127.0.0.1:10911";
        int count = args.length > 1 ? Integer.parseInt(args[1]) : 5;
        Outcome outcome = run(url, count);
        System.out.println(outcome.invoices().size() + " invoices, " + outcome.shipments().size() + " shipments, "
                + outcome.redeliveries() + " order(s) redelivered after a rollback, " + outcome.ordersLeft()
                + " order(s) left");
        if (outcome.invoices().size() != count || outcome.shipments().size() != count || outcome.ordersLeft() != 0) {
            System.exit(1);
        }
    }

    public static Outcome run(String url, int count) throws JMSException {
        ConnectionFactory factory = new KeelConnectionFactory(url);
        try (Connection connection = factory.createConnection()) {
            connection.start();
            Session session = connection.createSession(Session.SESSION_TRANSACTED);
            Queue orders = session.createQueue("example-orders");
            Queue invoices = session.createQueue("example-invoices");
            Queue shipments = session.createQueue("example-shipments");

            MessageProducer orderDesk = session.createProducer(orders);
            for (int i = 1; i <= count; i++) {
                orderDesk.send(session.createTextMessage("order " + i));
            }
            session.commit();   // the orders become visible together

            MessageConsumer incoming = session.createConsumer(orders);
            MessageProducer invoicing = session.createProducer(invoices);
            MessageProducer shipping = session.createProducer(shipments);
            int redeliveries = 0;
            int done = 0;
            while (done < count) {
                TextMessage order = (TextMessage) incoming.receive(5_000);
                if (order == null) {
                    break;
                }
                if (order.getJMSRedelivered()) {
                    redeliveries++;
                }
                invoicing.send(session.createTextMessage("invoice for " + order.getText()));
                shipping.send(session.createTextMessage("shipment for " + order.getText()));
                if (order.getText().equals("order 2") && !order.getJMSRedelivered()) {
                    System.out.println("order 2 failed: rolling back its invoice and shipment");
                    session.rollback();
                    continue;
                }
                session.commit();
                done++;
                System.out.println("processed " + order.getText());
            }
            return new Outcome(drain(session, invoices), drain(session, shipments), redeliveries,
                    drain(session, orders).size());
        }
    }

    private static List<String> drain(Session session, Queue queue) throws JMSException {
        List<String> texts = new ArrayList<>();
        try (MessageConsumer consumer = session.createConsumer(queue)) {
            Message message;
            while ((message = consumer.receive(500)) != null) {
                texts.add(((TextMessage) message).getText());
            }
        }
        session.commit();
        return texts;
    }
}
