package io.keelmq.server.jms;

import io.keelmq.jms.KeelConnectionFactory;
import io.keelmq.jms.SendStatus;
import io.keelmq.jms.SendStatusException;
import io.keelmq.server.Broker;
import io.keelmq.server.config.ConfigKeys;
import io.keelmq.server.testing.ForceGateLayer;
import io.keelmq.server.testing.TestBrokers;
import io.keelmq.store.io.ChannelFileLayer;
import io.keelmq.store.io.FileLayer;
import jakarta.jms.Connection;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageProducer;
import jakarta.jms.Queue;
import jakarta.jms.QueueBrowser;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.Enumeration;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 20: a send answered FLUSH_DISK_TIMEOUT (written, not known to be durable) and the application sending the
 * same message object again. A force held back by {@link ForceGateLayer} past {@code syncFlushTimeout} gives that
 * answer with the message written; a copy of the data directory taken meanwhile is what a crash leaves (no
 * clean-shutdown marker), so a broker started on it recovers as after a crash, with the message or, copied before
 * the send, without it. Either way the resend keeps the id and exactly one copy is received.
 */
class ResendAfterFlushDiskTimeoutJmsTest {
    @TempDir
    Path dir;
    private final ForceGateLayer gate = new ForceGateLayer();
    /** Brokers and connections, closed newest first. */
    private final Deque<AutoCloseable> open = new ArrayDeque<>();

    @AfterEach
    void closeAll() throws Exception {
        gate.releaseForces();
        while (!open.isEmpty()) {
            open.pop().close();
        }
    }

    private Broker start(Path data, FileLayer layer) throws Exception {
        // The group-commit thread forces, so a held force blocks no network thread and the answer goes out.
        Broker broker = Broker.start(TestBrokers.config(data).set(ConfigKeys.SYNC_FLUSH_TIMEOUT, 300L)
                .set(ConfigKeys.COMMIT_ON_IO_THREAD, false).build(), layer);
        open.push(broker);
        return broker;
    }

    private Session session(Broker broker) throws JMSException {
        Connection connection = new KeelConnectionFactory("keel://127.0.0.1:" + broker.listenAddress().getPort())
                .createConnection();
        open.push(connection);
        connection.start();
        return connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
    }

    /** The send is answered FLUSH_DISK_TIMEOUT: written, its force held back past syncFlushTimeout. */
    private SendStatusException sendNotForced(MessageProducer producer, Message message) {
        gate.holdForces();
        SendStatusException e = assertThrows(SendStatusException.class, () -> producer.send(message));
        assertEquals(SendStatus.FLUSH_DISK_TIMEOUT, e.getStatus());
        return e;
    }

    @Test
    void aResendAfterACrashThatKeptTheMessageIsDropped() throws Exception {
        Session first = session(start(dir.resolve("data"), gate));
        TextMessage message = first.createTextMessage("order 1");
        SendStatusException e = sendNotForced(first.createProducer(first.createQueue("orders")), message);
        copy(dir.resolve("data"), dir.resolve("crashed"));
        gate.releaseForces();

        Session second = session(start(dir.resolve("crashed"), ChannelFileLayer.INSTANCE));
        Queue orders = second.createQueue("orders");
        assertEquals(List.of(e.getMessageId()), browse(second, orders), "recovery kept the message");
        second.createProducer(orders).send(message);
        assertEquals(e.getMessageId(), message.getJMSMessageID());
        assertReceivedOnce(second, orders, e.getMessageId(), "order 1");
    }

    @Test
    void aResendAfterACrashThatLostTheMessageStoresItOnce() throws Exception {
        Session first = session(start(dir.resolve("data"), gate));
        copy(dir.resolve("data"), dir.resolve("crashed"));
        TextMessage message = first.createTextMessage("order 2");
        SendStatusException e = sendNotForced(first.createProducer(first.createQueue("orders")), message);
        gate.releaseForces();

        Session second = session(start(dir.resolve("crashed"), ChannelFileLayer.INSTANCE));
        Queue orders = second.createQueue("orders");
        assertEquals(List.of(), browse(second, orders), "the crash took the unforced message");
        second.createProducer(orders).send(message);
        assertReceivedOnce(second, orders, e.getMessageId(), "order 2");
    }

    /**
     * A force that fails: the send is answered FLUSH_DISK_TIMEOUT and the broker takes no more sends until it is
     * restarted; a resend meanwhile gets that answer again and stores nothing. The restarted broker recovers the
     * message from the log (no clean-shutdown marker after a failed force) and drops the resend.
     */
    @Test
    void aResendAfterAFailedForceAndARestartIsDropped() throws Exception {
        Path data = dir.resolve("data");
        Broker broker = start(data, gate);
        Session first = session(broker);
        Queue orders = first.createQueue("orders");
        MessageProducer producer = first.createProducer(orders);
        TextMessage message = first.createTextMessage("order 4");
        gate.failForces(true);
        SendStatusException e = assertThrows(SendStatusException.class, () -> producer.send(message));
        assertEquals(SendStatus.FLUSH_DISK_TIMEOUT, e.getStatus());
        SendStatusException again = assertThrows(SendStatusException.class, () -> producer.send(message));
        assertEquals(SendStatus.FLUSH_DISK_TIMEOUT, again.getStatus(), "the first send's answer, nothing stored");
        JMSException refused = assertThrows(JMSException.class,
                () -> producer.send(first.createTextMessage("another")));
        assertTrue(refused.getMessage().contains("restart"), "a failed force is final: " + refused);
        open.remove(broker);
        broker.close();
        gate.failForces(false);

        Session second = session(start(data, gate));
        assertEquals(List.of(e.getMessageId()), browse(second, orders), "recovery kept the message");
        second.createProducer(orders).send(message);
        assertReceivedOnce(second, orders, e.getMessageId(), "order 4");
    }

    /**
     * Without a restart (a force that came late, not one that failed): a resend while the first is still not
     * forced gets its answer again, and once it is forced and visible, SEND_OK; one copy either way.
     */
    @Test
    void aResendToTheSameBrokerIsAnsweredWithTheFirstSendsOutcome() throws Exception {
        Session session = session(start(dir.resolve("data"), gate));
        Queue orders = session.createQueue("orders");
        MessageProducer producer = session.createProducer(orders);
        TextMessage message = session.createTextMessage("order 3");
        SendStatusException e = sendNotForced(producer, message);
        SendStatusException again = assertThrows(SendStatusException.class, () -> producer.send(message));
        assertEquals(SendStatus.FLUSH_DISK_TIMEOUT, again.getStatus(), "the first is still not forced");
        assertEquals(e.getMessageId(), again.getMessageId());
        gate.releaseForces();
        for (int tries = 1; ; tries++) {
            try {
                producer.send(message);
                break;
            } catch (SendStatusException stillNot) {
                // Forced, but not yet in the index: the first send's answer once more.
                assertEquals(e.getMessageId(), stillNot.getMessageId());
                if (tries == 50) {
                    throw stillNot;
                }
                Thread.sleep(100);
            }
        }
        assertReceivedOnce(session, orders, e.getMessageId(), "order 3");
    }

    private static List<String> browse(Session session, Queue queue) throws JMSException {
        List<String> ids = new ArrayList<>();
        QueueBrowser browser = session.createBrowser(queue);
        Enumeration<?> messages = browser.getEnumeration();
        while (messages.hasMoreElements()) {
            ids.add(((Message) messages.nextElement()).getJMSMessageID());
        }
        browser.close();
        return ids;
    }

    private static void assertReceivedOnce(Session session, Queue queue, String id, String text) throws JMSException {
        MessageConsumer consumer = session.createConsumer(queue);
        Message received = consumer.receive(10_000);
        assertNotNull(received, "the message arrives");
        assertEquals(id, received.getJMSMessageID());
        assertEquals(text, ((TextMessage) received).getText());
        assertNull(consumer.receive(1_000), "and only once");
    }

    /** What a crash leaves: the files as written so far, forced or not, and no clean-shutdown marker. */
    private static void copy(Path from, Path to) throws IOException {
        try (Stream<Path> files = Files.walk(from)) {
            files.forEach(source -> {
                try {
                    Path target = to.resolve(from.relativize(source));
                    if (Files.isDirectory(source)) {
                        Files.createDirectories(target);
                    } else {
                        Files.copy(source, target);
                    }
                } catch (NoSuchFileException gone) {
                    // A temporary file renamed meanwhile (the checkpoint's): a crash could have missed it too.
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        }
    }
}
