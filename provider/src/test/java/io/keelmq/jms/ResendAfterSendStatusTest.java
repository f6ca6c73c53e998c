package io.keelmq.jms;

import io.keelmq.jms.fake.FakeBroker;
import io.keelmq.protocol.frame.ErrorCode;
import io.keelmq.protocol.frame.Frame;
import io.keelmq.protocol.frame.RequestCode;
import io.keelmq.protocol.message.WireMessageCodec;
import jakarta.jms.CompletionListener;
import jakarta.jms.Connection;
import jakarta.jms.DeliveryMode;
import jakarta.jms.JMSContext;
import jakarta.jms.JMSException;
import jakarta.jms.JMSProducer;
import jakarta.jms.JMSRuntimeException;
import jakarta.jms.Message;
import jakarta.jms.MessageProducer;
import jakarta.jms.Queue;
import jakarta.jms.QueueSender;
import jakarta.jms.QueueSession;
import jakarta.jms.ResourceAllocationException;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import jakarta.jms.Topic;
import jakarta.jms.TopicPublisher;
import jakarta.jms.TopicSession;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * Issue 20: a message object whose send was answered with a status other than SEND_OK (written, perhaps not durable),
 * sent again unchanged to the same destination, keeps its JMSMessageID and goes as a retry, so the broker drops the
 * resend if the first one was stored; any other send gets a new id.
 */
class ResendAfterSendStatusTest extends FakeBrokerTestBase {

    /** The id and retry flag of the n-th SEND (0-based) the broker received. */
    private String sentId(int n) throws InterruptedException {
        return WireMessageCodec.decode(send(n).body()).getMessageId();
    }

    private String retryFlag(int n) throws InterruptedException {
        return send(n).header("retry");
    }

    private Frame send(int n) throws InterruptedException {
        return broker.awaitRequests(RequestCode.SEND, n + 1, 5000).get(n);
    }

    @Test
    void aResendAfterFlushDiskTimeoutKeepsTheIdAndTheBrokerDropsIt() throws Exception {
        Session session = connect().createSession();
        MessageProducer producer = session.createProducer(session.createQueue("q"));
        TextMessage message = session.createTextMessage("once");
        broker.sendStatuses("FLUSH_DISK_TIMEOUT");
        SendStatusException e = assertThrows(SendStatusException.class, () -> producer.send(message));
        assertEquals(1, broker.states("queue/q")[0], "the first send was stored");

        producer.send(message);
        assertEquals(e.getMessageId(), message.getJMSMessageID(), "the resend keeps the id the exception names");
        assertEquals(e.getMessageId(), sentId(1));
        assertEquals("true", retryFlag(1), "sent as a retry, which the broker looks up by id");
        assertEquals(1, broker.states("queue/q")[0], "stored once");

        producer.send(message);
        assertNotEquals(e.getMessageId(), sentId(2), "after SEND_OK the next send is a new message");
        assertEquals("false", retryFlag(2));
        assertEquals(2, broker.states("queue/q")[0]);
    }

    @Test
    void aResendToABrokerWithoutTheFirstStoresItOnce() throws Exception {
        Session session = connect().createSession();
        Queue queue = session.createQueue("q");
        TextMessage message = session.createTextMessage("lost with the first broker");
        broker.sendStatuses("FLUSH_DISK_TIMEOUT");
        SendStatusException e = assertThrows(SendStatusException.class,
                () -> session.createProducer(queue).send(message));

        // A new connection, as after a restart whose recovery did not keep the unforced message.
        FakeBroker restarted = FakeBroker.start();
        try (Connection connection = new KeelConnectionFactory(restarted.url()).createConnection()) {
            Session again = connection.createSession();
            again.createProducer(again.createQueue("q")).send(message);
            Frame resend = restarted.requests(RequestCode.SEND).get(0);
            assertEquals(e.getMessageId(), WireMessageCodec.decode(resend.body()).getMessageId());
            assertEquals("true", resend.header("retry"));
            assertEquals(1, restarted.states("queue/q")[0], "not found by its id, so stored");
        } finally {
            restarted.close();
            restarted.assertNoViolations();
        }
    }

    @Test
    void theIdIsKeptUntilASendOfItIsAnsweredSendOk() throws Exception {
        // Not thrown, but recorded on the message: the same uncertainty, so the same rule.
        Session session = connect("throwOnSendStatus=false").createSession();
        MessageProducer producer = session.createProducer(session.createQueue("q"));
        Message message = session.createMessage();
        broker.sendStatuses("FLUSH_SLAVE_TIMEOUT");
        producer.send(message);
        String id = message.getJMSMessageID();
        broker.failNext(RequestCode.SEND, ErrorCode.RESOURCE_EXHAUSTED, "disk full, nothing stored");
        assertThrows(ResourceAllocationException.class, () -> producer.send(message));
        producer.send(message);
        producer.send(message);
        assertEquals(List.of(id, id, id), List.of(sentId(0), sentId(1), sentId(2)),
                "a refused resend stored nothing, so the next one still needs the first send's id");
        assertEquals(List.of("false", "true", "true"), List.of(retryFlag(0), retryFlag(1), retryFlag(2)));
        assertNotEquals(id, sentId(3), "the third was answered SEND_OK");
        assertEquals("false", retryFlag(3));
        assertEquals(2, broker.states("queue/q")[0]);
    }

    @Test
    void aChangedMessageOrAnotherDestinationGetsANewId() throws Exception {
        Session session = connect().createSession();
        MessageProducer anonymous = session.createProducer(null);
        Queue q = session.createQueue("q");
        TextMessage message = session.createTextMessage("first");
        broker.sendStatuses("FLUSH_DISK_TIMEOUT", "FLUSH_DISK_TIMEOUT");
        assertThrows(SendStatusException.class, () -> anonymous.send(q, message));
        String first = message.getJMSMessageID();

        message.setText("second, a different message in the same object");
        assertThrows(SendStatusException.class, () -> anonymous.send(q, message));
        assertNotEquals(first, message.getJMSMessageID(), "else the broker would drop the second message");
        assertEquals("false", retryFlag(1));
        assertEquals(2, broker.states("queue/q")[0]);

        String second = message.getJMSMessageID();
        anonymous.send(session.createQueue("other"), message);
        assertNotEquals(second, message.getJMSMessageID(), "sent elsewhere: a new message");
        assertEquals("false", retryFlag(2));

        Message fresh = session.createMessage();
        anonymous.send(q, fresh);
        String freshId = fresh.getJMSMessageID();
        anonymous.send(q, fresh);
        assertNotEquals(freshId, fresh.getJMSMessageID(), "a message answered SEND_OK gets a new id, as always");
    }

    /** Every send method of MessageProducer, QueueSender and TopicPublisher, each failing once and resent. */
    @Test
    void everyProducerSendMethodResendsWithTheSameId() throws Exception {
        Connection connection = connect();
        Session session = connection.createSession();
        Queue queue = session.createQueue("q");
        Topic topic = session.createTopic("t");
        session.createConsumer(topic); // the fake broker needs a subscription to keep topic messages
        MessageProducer bound = session.createProducer(queue);
        MessageProducer anonymous = session.createProducer(null);
        QueueSender sender = ((QueueSession) connection.createSession()).createSender(null);
        TopicPublisher publisher = ((TopicSession) connection.createSession()).createPublisher(topic);
        Map<String, Sender> methods = new LinkedHashMap<>();
        methods.put("send(m)", bound::send);
        methods.put("send(m, mode, prio, ttl)", m -> bound.send(m, DeliveryMode.PERSISTENT, 4, 0));
        methods.put("send(d, m)", m -> anonymous.send(queue, m));
        methods.put("send(d, m, mode, prio, ttl)", m -> anonymous.send(queue, m, DeliveryMode.PERSISTENT, 4, 0));
        methods.put("QueueSender.send(q, m)", m -> sender.send(queue, m));
        methods.put("QueueSender.send(q, m, mode, prio, ttl)",
                m -> sender.send(queue, m, DeliveryMode.PERSISTENT, 4, 0));
        methods.put("publish(m)", publisher::publish);
        methods.put("publish(m, mode, prio, ttl)", m -> publisher.publish(m, DeliveryMode.PERSISTENT, 4, 0));
        int sends = 0;
        for (Map.Entry<String, Sender> method : methods.entrySet()) {
            Message message = session.createTextMessage(method.getKey());
            broker.sendStatuses("FLUSH_DISK_TIMEOUT");
            SendStatusException e = assertThrows(SendStatusException.class, () -> method.getValue().send(message));
            method.getValue().send(message);
            assertEquals(e.getMessageId(), sentId(sends + 1), method.getKey());
            assertEquals("true", retryFlag(sends + 1), method.getKey());
            sends += 2;
        }
        assertEquals(6, broker.states("queue/q")[0], "each queue message stored once");
    }

    @Test
    void anAsyncSendReportedToOnExceptionIsResentWithTheSameId() throws Exception {
        Session session = connect().createSession();
        MessageProducer producer = session.createProducer(session.createQueue("q"));
        BlockingQueue<Object> outcomes = new ArrayBlockingQueue<>(2);
        CompletionListener listener = new CompletionListener() {
            @Override
            public void onCompletion(Message message) {
                outcomes.add(message);
            }

            @Override
            public void onException(Message message, Exception exception) {
                outcomes.add(exception);
            }
        };
        Message message = session.createMessage();
        broker.sendStatuses("FLUSH_DISK_TIMEOUT");
        producer.send(message, listener);
        SendStatusException e = assertInstanceOf(SendStatusException.class, outcomes.poll(5, TimeUnit.SECONDS));
        producer.send(message, DeliveryMode.PERSISTENT, 4, 0, listener);
        assertSame(message, outcomes.poll(5, TimeUnit.SECONDS));
        assertEquals(e.getMessageId(), sentId(1));
        assertEquals("true", retryFlag(1));
        assertEquals(1, broker.states("queue/q")[0]);
    }

    @Test
    void aJmsProducerResendsTheSameMessageWithTheSameId() throws Exception {
        JMSContext context = context(JMSContext.AUTO_ACKNOWLEDGE);
        JMSProducer producer = context.createProducer();
        Queue queue = context.createQueue("q");
        TextMessage message = context.createTextMessage("via JMSProducer");
        broker.sendStatuses("FLUSH_DISK_TIMEOUT");
        JMSRuntimeException e = assertThrows(JMSRuntimeException.class, () -> producer.send(queue, message));
        SendStatusException status = assertInstanceOf(SendStatusException.class, e.getCause());
        producer.send(queue, message);
        assertEquals(status.getMessageId(), sentId(1));
        assertEquals("true", retryFlag(1));
        assertEquals(1, broker.states("queue/q")[0]);
    }

    private interface Sender {
        void send(Message message) throws JMSException;
    }
}
