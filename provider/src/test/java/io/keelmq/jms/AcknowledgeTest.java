package io.keelmq.jms;

import io.keelmq.protocol.frame.AckBody;
import io.keelmq.protocol.frame.Frame;
import io.keelmq.protocol.frame.RequestCode;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import jakarta.jms.Connection;
import jakarta.jms.IllegalStateException;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageProducer;
import jakarta.jms.Queue;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AcknowledgeTest extends FakeBrokerTestBase {

    private Connection connection;

    private Session session(int mode) throws Exception {
        connection = connect();
        connection.start();
        return connection.createSession(mode);
    }

    private static void send(Session session, Queue queue, int count) throws Exception {
        MessageProducer producer = session.createProducer(queue);
        for (int i = 0; i < count; i++) {
            producer.send(session.createTextMessage("m" + i));
        }
    }

    /** The (partition, offset) pairs of a compact ACK body (see {@link AckBody}). */
    private static List<String> positions(Frame ack) {
        AckBody body = AckBody.decode(ack.body());
        List<String> positions = new ArrayList<>();
        for (int i = 0; i < body.partitions().length; i++) {
            positions.add(body.partitions()[i] + "/" + body.queueOffsets()[i]);
        }
        return positions;
    }

    @Test
    void autoAcknowledgeSendsOneAckPerReceivedMessage() throws Exception {
        Session session = session(Session.AUTO_ACKNOWLEDGE);
        Queue queue = session.createQueue("q");
        send(session, queue, 3);
        KeelMessageConsumer consumer = (KeelMessageConsumer) session.createConsumer(queue);
        for (int i = 0; i < 3; i++) {
            Message m = consumer.receive(2000);
            assertEquals(i + 1, broker.requests(RequestCode.ACK).size(), "acknowledged before receive returned");
            m.acknowledge();
        }
        List<Frame> acks = broker.requests(RequestCode.ACK);
        assertEquals(3, acks.size(), "acknowledge() is ignored in AUTO_ACKNOWLEDGE");
        for (Frame ack : acks) {
            assertTrue(ack.headers().isEmpty(), "the compact form: " + ack.headers());
            assertEquals(consumer.consumerId(), AckBody.decode(ack.body()).consumerId());
            assertFalse(AckBody.decode(ack.body()).cumulative());
            assertEquals(1, positions(ack).size());
        }
        assertEquals(3, broker.states("queue/q")[2]);
    }

    @Test
    void clientAcknowledgeAcknowledgesEverythingTheSessionDelivered() throws Exception {
        Session session = session(Session.CLIENT_ACKNOWLEDGE);
        Queue q1 = session.createQueue("q1");
        Queue q2 = session.createQueue("q2");
        send(session, q1, 2);
        send(session, q2, 1);
        MessageConsumer c1 = session.createConsumer(q1);
        MessageConsumer c2 = session.createConsumer(q2);
        Message first = c1.receive(2000);
        c1.receive(2000);
        c2.receive(2000);
        assertEquals(List.of(), broker.requests(RequestCode.ACK));
        first.acknowledge();
        List<Frame> acks = broker.requests(RequestCode.ACK);
        assertEquals(2, acks.size(), "one ACK per consumer");
        assertEquals(2, positions(acks.get(0)).size());
        assertEquals(1, positions(acks.get(1)).size());
        assertEquals(2, broker.states("queue/q1")[2]);
        assertEquals(1, broker.states("queue/q2")[2]);
        first.acknowledge();
        assertEquals(2, broker.requests(RequestCode.ACK).size(), "nothing more to acknowledge");
    }

    @Test
    void dupsOkAcknowledgesInBatches() throws Exception {
        Session session = session(Session.DUPS_OK_ACKNOWLEDGE);
        Queue queue = session.createQueue("q");
        send(session, queue, 3);
        KeelMessageConsumer consumer = (KeelMessageConsumer) session.createConsumer(queue);
        Wait.until("all prefetched", () -> consumer.buffer().size() == 3);
        consumer.receive(2000);
        consumer.receive(2000);
        assertEquals(List.of(), broker.requests(RequestCode.ACK), "batched while more are buffered");
        consumer.receive(2000);
        List<Frame> acks = broker.requests(RequestCode.ACK);
        assertEquals(1, acks.size(), "flushed once the buffer ran dry");
        assertEquals(3, positions(acks.get(0)).size());
    }

    @Test
    void recoverRedeliversUnacknowledgedAndReleasesPrefetchedWithoutIncrement() throws Exception {
        Session session = session(Session.CLIENT_ACKNOWLEDGE);
        Queue queue = session.createQueue("q");
        send(session, queue, 3);
        KeelMessageConsumer consumer = (KeelMessageConsumer) session.createConsumer(queue);
        Wait.until("all prefetched", () -> consumer.buffer().size() == 3);
        TextMessage first = (TextMessage) consumer.receive(2000);
        assertFalse(first.getJMSRedelivered());
        session.recover();
        Frame recover = broker.requests(RequestCode.RECOVER).get(0);
        ByteBuf list = Unpooled.wrappedBuffer(recover.body());
        assertEquals(2, list.readInt(), "the two messages never handed to the application");
        assertEquals(consumer.consumerId(), list.readLong());

        TextMessage again = (TextMessage) consumer.receive(2000);
        assertEquals("m0", again.getText(), "redelivered first");
        assertTrue(again.getJMSRedelivered());
        assertEquals(2, again.getIntProperty("JMSXDeliveryCount"));
        TextMessage second = (TextMessage) consumer.receive(2000);
        assertEquals("m1", second.getText());
        assertFalse(second.getJMSRedelivered());
        assertEquals(1, second.getIntProperty("JMSXDeliveryCount"));
        second.acknowledge();
        assertEquals(2, broker.states("queue/q")[2]);
    }

    @Test
    void aPullHeldAcrossARecoverStillDelivers() throws Exception {
        Session session = session(Session.CLIENT_ACKNOWLEDGE);
        Queue queue = session.createQueue("q");
        KeelMessageConsumer consumer = (KeelMessageConsumer) session.createConsumer(queue);
        broker.awaitRequests(RequestCode.PULL, 1, 5000);
        session.recover();
        send(session, queue, 1);
        TextMessage after = (TextMessage) consumer.receive(2000);
        assertEquals("m0", after.getText(), "a delivery answered after RECOVER is new and kept");
        assertFalse(after.getJMSRedelivered());
    }

    @Test
    void closingAClientAcknowledgeSessionDoesNotAcknowledge() throws Exception {
        Session session = session(Session.CLIENT_ACKNOWLEDGE);
        Queue queue = session.createQueue("q");
        send(session, queue, 1);
        Message received = session.createConsumer(queue).receive(2000);
        session.close();
        assertEquals(List.of(), broker.requests(RequestCode.ACK));
        assertThrows(IllegalStateException.class, received::acknowledge);
        Session next = connection.createSession(Session.CLIENT_ACKNOWLEDGE);
        Message redelivered = next.createConsumer(queue).receive(2000);
        assertTrue(redelivered.getJMSRedelivered());
        assertEquals(2, redelivered.getIntProperty("JMSXDeliveryCount"));
    }

    @Test
    void acknowledgingAfterConsumerCloseStillWorks() throws Exception {
        Session session = session(Session.CLIENT_ACKNOWLEDGE);
        Queue queue = session.createQueue("q");
        send(session, queue, 1);
        MessageConsumer consumer = session.createConsumer(queue);
        Message received = consumer.receive(2000);
        consumer.close();
        received.acknowledge();
        assertEquals(1, broker.states("queue/q")[2]);
    }

    /**
     * DUPS_OK_ACKNOWLEDGE sends its batched ACKs without waiting for the answers: with every ACK answer lost, receives
     * go on (a waited-for ACK would throw RequestTimeoutException after requestTimeout), and the ACKs still reach the
     * broker before CLOSE_SESSION, which the broker handles after them.
     */
    @Test
    void dupsOkAcknowledgementsAreNotWaitedFor() throws Exception {
        connection = connect("requestTimeout=1000");
        connection.start();
        Session session = connection.createSession(Session.DUPS_OK_ACKNOWLEDGE);
        Queue queue = session.createQueue("q");
        send(session, queue, 150);
        broker.dropAnswers(RequestCode.ACK, 1000);
        MessageConsumer consumer = session.createConsumer(queue);
        long started = System.nanoTime();
        for (int i = 0; i < 150; i++) {
            TextMessage m = (TextMessage) consumer.receive(5000);
            assertEquals("m" + i, m.getText());
        }
        assertTrue(System.nanoTime() - started < 60_000_000_000L, "bounded");
        session.close();
        int acknowledged = 0;
        for (Frame ack : broker.requests(RequestCode.ACK)) {
            acknowledged += positions(ack).size();
        }
        assertEquals(150, acknowledged, "every message acknowledged, in batches, before the session closed");
        assertEquals(150, broker.states("queue/q")[2]);
    }

    /**
     * Message.acknowledge() sends the ACKs of all the session's consumers before it waits for the first answer: one
     * round trip, not one per consumer. With the first answer lost, both ACKs reached the broker by the time
     * acknowledge() fails.
     */
    @Test
    void clientAcknowledgeSendsEveryConsumersAckBeforeWaiting() throws Exception {
        connection = connect("requestTimeout=1000");
        connection.start();
        Session session = connection.createSession(Session.CLIENT_ACKNOWLEDGE);
        Queue q1 = session.createQueue("q1");
        Queue q2 = session.createQueue("q2");
        send(session, q1, 1);
        send(session, q2, 1);
        session.createConsumer(q1).receive(2000);
        Message last = session.createConsumer(q2).receive(2000);
        broker.dropAnswers(RequestCode.ACK, 1);
        assertThrows(jakarta.jms.JMSException.class, last::acknowledge);
        assertEquals(2, broker.requests(RequestCode.ACK).size(), "both ACKs sent before the first was awaited");
        assertEquals(1, broker.states("queue/q1")[2], "carried out, its answer lost");
        assertEquals(1, broker.states("queue/q2")[2]);
    }
}
