package io.keelmq.server.admin;

import jakarta.jms.Connection;
import jakarta.jms.Message;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code keel-admin message query}: by key, by message id and by time range, as the store's index and queues find. */
class AdminMessageQueryTest extends AdminTestBase {
    private final List<String> ids = new ArrayList<>();
    private long between;

    /** orders.eu: order-0..order-2, then (after {@link #between}) order-3..order-5; customer-N is shared by two. */
    private void sendOrders() throws Exception {
        Connection connection = connection(null);
        Session session = connection.createSession();
        MessageProducer producer = session.createProducer(session.createQueue("orders.eu"));
        for (int i = 0; i < 6; i++) {
            if (i == 3) {
                Thread.sleep(50);
                between = System.currentTimeMillis();
                Thread.sleep(50);
            }
            Message message = session.createTextMessage("order number " + i + " for customer " + i / 2);
            message.setStringProperty("JMS_Keel_Keys", "order-" + i + " customer-" + i / 2);
            message.setStringProperty("JMS_Keel_Tag", i % 2 == 0 ? "even" : "odd");
            producer.send(message);
            ids.add(message.getJMSMessageID());
        }
        Message invoice = session.createTextMessage("invoice");
        invoice.setStringProperty("JMS_Keel_Keys", "order-1");
        session.createProducer(session.createTopic("billing")).send(invoice);
    }

    /** The data lines (header and count line dropped), as fields. */
    private static List<String[]> rows(String output) {
        List<String> lines = output.lines().toList();
        assertEquals("DESTINATION\tPARTITION\tOFFSET\tMESSAGE-ID\tSTORED\tTAG\tKEYS\tBODY", lines.get(0));
        assertEquals((lines.size() - 2) + " message(s)", lines.get(lines.size() - 1));
        return lines.subList(1, lines.size() - 1).stream().map(line -> line.split("\t")).toList();
    }

    @Test
    void findsMessagesByKey() throws Exception {
        sendOrders();
        List<String[]> found = rows(admin("message", "query", "--key", "order-4"));
        assertEquals(1, found.size());
        String[] row = found.get(0);
        assertEquals("queue/orders.eu", row[0]);
        assertEquals(ids.get(4), row[3]);
        assertTrue(Instant.parse(row[4]).toEpochMilli() > between, row[4]);
        assertEquals("even", row[5]);
        assertEquals("order-4 customer-2", row[6]);
        assertEquals("order number 4 for customer 2", row[7]);

        List<String[]> customer = rows(admin("message", "query", "--key", "customer-1"));
        assertEquals(List.of(ids.get(2), ids.get(3)), customer.stream().map(r -> r[3]).sorted(
                (a, b) -> Integer.compare(ids.indexOf(a), ids.indexOf(b))).toList());

        // A key on two destinations: both, unless --destination narrows it.
        assertEquals(2, rows(admin("message", "query", "--key", "order-1")).size());
        List<String[]> onTopic = rows(admin("message", "query", "--key", "order-1", "--destination", "topic/billing"));
        assertEquals(1, onTopic.size());
        assertEquals("topic/billing", onTopic.get(0)[0]);
        assertEquals(0, rows(admin("message", "query", "--key", "no-such-key")).size());
    }

    @Test
    void findsAMessageById() throws Exception {
        sendOrders();
        List<String[]> found = rows(admin("message", "query", "--id", ids.get(1)));
        assertEquals(1, found.size());
        assertEquals(ids.get(1), found.get(0)[3]);
        assertEquals("odd", found.get(0)[5]);
        // The queue position of the message is its partition and offset in the destination.
        assertTrue(Integer.parseInt(found.get(0)[1]) >= 0 && Long.parseLong(found.get(0)[2]) >= 0);
    }

    @Test
    void findsMessagesByTimeRangeOnADestination() throws Exception {
        sendOrders();
        List<String[]> late = rows(admin("message", "query", "--destination", "queue/orders.eu",
                "--from", Instant.ofEpochMilli(between).toString()));
        assertEquals(ids.subList(3, 6), late.stream().map(r -> r[3]).toList());
        List<String[]> early = rows(admin("message", "query", "--destination", "queue/orders.eu",
                "--to", Long.toString(between)));
        assertEquals(ids.subList(0, 3), early.stream().map(r -> r[3]).toList());
        List<String[]> limited = rows(admin("message", "query", "--destination", "queue/orders.eu", "--limit", "2"));
        assertEquals(ids.subList(0, 2), limited.stream().map(r -> r[3]).toList());
    }

    @Test
    void showsOnlyWhatTheUserMayManageAndNamesErrors() throws Exception {
        sendOrders();
        // olga manages orders.# only: the invoice on topic billing is not shown to her.
        assertEquals(0, runAs("olga", "message", "query", "--key", "order-1"), errors());
        List<String[]> olgas = rows(out.toString(java.nio.charset.StandardCharsets.UTF_8));
        assertEquals(List.of("queue/orders.eu"), olgas.stream().map(r -> r[0]).toList());
        assertEquals(1, runAs("olga", "message", "query", "--destination", "topic/billing"));
        assertTrue(errors().contains("SECURITY"), errors());

        assertEquals(1, runAs("dave", "message", "query", "--key", "order-1"));
        assertEquals("keel-admin: ADMIN failed with SECURITY: user 'dave' is not allowed to manage on any "
                + "destination", errors());
        assertEquals(1, runAs("carol", "message", "query", "--destination", "queue/nowhere"));
        assertEquals("keel-admin: ADMIN failed with NOT_FOUND: queue 'nowhere' does not exist", errors());
        assertEquals(1, runAs("carol", "message", "query", "--destination", "queue/orders.eu", "--from", "noon"));
        assertTrue(errors().contains("bad --from 'noon': expected epoch milliseconds or an ISO-8601 time"), errors());
        assertEquals(2, runAs("carol", "message", "query"));
        assertTrue(errors().contains("give --key, --id, or --destination"), errors());
    }
}
