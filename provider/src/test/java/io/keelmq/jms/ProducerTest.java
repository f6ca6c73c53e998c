package io.keelmq.jms;

import io.keelmq.jms.message.PropertyNames;
import io.keelmq.jms.provider.RequestTimeoutException;
import io.keelmq.protocol.frame.ErrorCode;
import io.keelmq.protocol.frame.Frame;
import io.keelmq.protocol.frame.RequestCode;
import io.keelmq.protocol.message.WireMessage;
import io.keelmq.protocol.message.WireMessageCodec;
import jakarta.jms.BytesMessage;
import jakarta.jms.CompletionListener;
import jakarta.jms.Connection;
import jakarta.jms.DeliveryMode;
import jakarta.jms.IllegalStateException;
import jakarta.jms.InvalidDestinationException;
import jakarta.jms.JMSException;
import jakarta.jms.JMSSecurityException;
import jakarta.jms.Message;
import jakarta.jms.MessageProducer;
import jakarta.jms.Queue;
import jakarta.jms.ResourceAllocationException;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ProducerTest extends FakeBrokerTestBase {

    private Session session(String... options) throws JMSException {
        Connection connection = connect(options);
        return connection.createSession();
    }

    private static WireMessage sentMessage(Frame send) {
        return WireMessageCodec.decode(send.body());
    }

    @Test
    void aProducerWithADestinationIsCheckedByTheBrokerAtCreation() throws Exception {
        Session session = session();
        Queue queue = session.createQueue("q");
        MessageProducer producer = session.createProducer(queue);
        Frame create = broker.requests(RequestCode.CREATE_PRODUCER).get(0);
        assertEquals("QUEUE", create.header("destinationKind"));
        assertEquals("q", create.header("destination"));
        assertNotNull(create.header("producerId"));
        producer.send(session.createTextMessage("m"));
        assertEquals(create.header("producerId"), broker.requests(RequestCode.SEND).get(0).header("producerId"));

        session.createProducer(null);
        assertEquals(1, broker.requests(RequestCode.CREATE_PRODUCER).size(), "an anonymous producer asks nothing");

        broker.failNext(RequestCode.CREATE_PRODUCER, ErrorCode.SECURITY, "user 'u' is not allowed to send");
        JMSSecurityException refused = assertThrows(JMSSecurityException.class, () -> session.createProducer(queue));
        assertTrue(refused.getMessage().contains("user 'u' is not allowed to send"), refused.getMessage());
    }

    @Test
    void persistentSendStampsTheHeadersAndRecordsTheStatus() throws Exception {
        Session session = session();
        Queue queue = session.createQueue("q");
        MessageProducer producer = session.createProducer(queue);
        producer.setDeliveryDelay(0);
        TextMessage message = session.createTextMessage("hello");
        long before = System.currentTimeMillis();
        producer.send(message, DeliveryMode.PERSISTENT, 7, 60_000);
        long after = System.currentTimeMillis();

        assertTrue(message.getJMSMessageID().startsWith("ID:"));
        assertTrue(message.getJMSTimestamp() >= before && message.getJMSTimestamp() <= after);
        assertEquals(message.getJMSTimestamp() + 60_000, message.getJMSExpiration());
        assertEquals(message.getJMSTimestamp(), message.getJMSDeliveryTime());
        assertEquals(queue, message.getJMSDestination());
        assertEquals(DeliveryMode.PERSISTENT, message.getJMSDeliveryMode());
        assertEquals(7, message.getJMSPriority());
        assertEquals("SEND_OK", message.getStringProperty(PropertyNames.KEEL_SEND_STATUS));

        Frame send = broker.requests(RequestCode.SEND).get(0);
        assertFalse(send.isOneway());
        assertEquals("false", send.header("retry"));
        assertNotNull(send.header("sessionId"));
        assertNotNull(send.header("producerId"));
        WireMessage wire = sentMessage(send);
        assertEquals(message.getJMSMessageID(), wire.getMessageId());
        assertEquals(7, wire.getPriority());
        assertEquals(message.getJMSExpiration(), wire.getExpiration());
        assertFalse(wire.hasProperty(PropertyNames.KEEL_SEND_STATUS), "the status describes a send, not a message");
    }

    @Test
    void eachSendGetsAFreshMessageId() throws Exception {
        Session session = session();
        MessageProducer producer = session.createProducer(session.createQueue("q"));
        producer.setDisableMessageID(true);
        Message message = session.createMessage();
        producer.send(message);
        String first = message.getJMSMessageID();
        producer.send(message);
        assertNotNull(first, "the broker deduplicates by id, so the disable hint is not taken");
        assertNotEquals(first, message.getJMSMessageID());
    }

    @Test
    void deliveryDelayAndDisabledTimestamp() throws Exception {
        Session session = session();
        MessageProducer producer = session.createProducer(session.createQueue("q"));
        producer.setDisableMessageTimestamp(true);
        producer.setDeliveryDelay(5000);
        producer.setTimeToLive(10_000);
        Message message = session.createMessage();
        long before = System.currentTimeMillis();
        producer.send(message);
        assertEquals(0, message.getJMSTimestamp());
        assertTrue(message.getJMSDeliveryTime() >= before + 5000);
        assertTrue(message.getJMSExpiration() >= before + 10_000);
    }

    @Test
    void nonPersistentMessagesAreSentOneway() throws Exception {
        Session session = session();
        MessageProducer producer = session.createProducer(session.createQueue("q"));
        producer.setDeliveryMode(DeliveryMode.NON_PERSISTENT);
        Message message = session.createMessage();
        producer.send(message);
        Frame send = broker.awaitRequests(RequestCode.SEND, 1, 5000).get(0);
        assertTrue(send.isOneway());
        assertNull(message.getStringProperty(PropertyNames.KEEL_SEND_STATUS), "no answer, so no status");
        Wait.until("stored", () -> broker.states("queue/q")[0] == 1);
    }

    @Test
    void aStatusOtherThanSendOkThrowsSendStatusException() throws Exception {
        Session session = session();
        MessageProducer producer = session.createProducer(session.createQueue("q"));
        broker.sendStatuses("FLUSH_DISK_TIMEOUT");
        TextMessage message = session.createTextMessage("x");
        SendStatusException e = assertThrows(SendStatusException.class, () -> producer.send(message));
        assertEquals(SendStatus.FLUSH_DISK_TIMEOUT, e.getStatus());
        assertEquals(message.getJMSMessageID(), e.getMessageId());
        assertEquals("FLUSH_DISK_TIMEOUT", message.getStringProperty(PropertyNames.KEEL_SEND_STATUS));
        assertEquals(1, broker.states("queue/q")[0], "the broker stored it nevertheless");
    }

    @Test
    void throwOnSendStatusCanBeTurnedOff() throws Exception {
        Session session = session("throwOnSendStatus=false");
        MessageProducer producer = session.createProducer(session.createQueue("q"));
        broker.sendStatuses("FLUSH_SLAVE_TIMEOUT");
        Message message = session.createMessage();
        producer.send(message);
        assertEquals("FLUSH_SLAVE_TIMEOUT", message.getStringProperty(PropertyNames.KEEL_SEND_STATUS));
    }

    @Test
    void aLostAnswerIsRetriedWithTheRetryFlagAndStoredOnce() throws Exception {
        Session session = session("sendMsgTimeout=300");
        MessageProducer producer = session.createProducer(session.createQueue("q"));
        broker.dropAnswers(RequestCode.SEND, 1);
        producer.send(session.createTextMessage("once"));
        List<Frame> sends = broker.requests(RequestCode.SEND);
        assertEquals(2, sends.size());
        assertEquals("false", sends.get(0).header("retry"));
        assertEquals("true", sends.get(1).header("retry"));
        assertArrayEquals(sends.get(0).body(), sends.get(1).body(), "the very same message, same id");
        assertEquals(1, broker.states("queue/q")[0]);
    }

    @Test
    void retriesAreLimited() throws Exception {
        Session session = session("sendMsgTimeout=50", "retryTimesWhenSendFailed=2");
        MessageProducer producer = session.createProducer(session.createQueue("q"));
        broker.dropAnswers(RequestCode.SEND, 3);
        assertThrows(RequestTimeoutException.class, () -> producer.send(session.createMessage()));
        assertEquals(3, broker.requests(RequestCode.SEND).size());
    }

    @Test
    void aBusyBrokerIsRetriedAfterABackoff() throws Exception {
        Session session = session();
        MessageProducer producer = session.createProducer(session.createQueue("q"));
        broker.failNext(RequestCode.SEND, ErrorCode.BUSY, "send queue wait over 200 ms");
        producer.send(session.createMessage());
        List<Frame> sends = broker.requests(RequestCode.SEND);
        assertEquals(2, sends.size());
        assertEquals("true", sends.get(1).header("retry"));
    }

    @Test
    void brokerErrorsBecomeTheSpecsExceptions() throws Exception {
        Session session = session();
        MessageProducer producer = session.createProducer(session.createQueue("q"));
        broker.maxMessageSize(1000);
        BytesMessage big = session.createBytesMessage();
        big.writeBytes(new byte[5000]);
        JMSException tooLarge = assertThrows(JMSException.class, () -> producer.send(big));
        assertSame(JMSException.class, tooLarge.getClass());
        assertTrue(tooLarge.getMessage().contains("maxMessageSize 1000"), tooLarge.getMessage());
        assertEquals("MESSAGE_TOO_LARGE", tooLarge.getErrorCode());

        broker.failNext(RequestCode.SEND, ErrorCode.RESOURCE_EXHAUSTED, "disk full");
        assertThrows(ResourceAllocationException.class, () -> producer.send(session.createMessage()));
        broker.failNext(RequestCode.SEND, ErrorCode.INTERNAL, "i/o error");
        JMSException internal = assertThrows(JMSException.class, () -> producer.send(session.createMessage()));
        assertTrue(internal.getMessage().contains("i/o error"));
    }

    @Test
    void sendingToADeletedTemporaryQueueIsAnInvalidDestination() throws Exception {
        Session session = session();
        Queue temp = session.createTemporaryQueue();
        MessageProducer producer = session.createProducer(temp);
        producer.send(session.createMessage());
        ((KeelTemporaryQueue) temp).delete();
        assertThrows(InvalidDestinationException.class, () -> producer.send(session.createMessage()));
    }

    @Test
    void destinationRulesOfTheSendMethods() throws Exception {
        Session session = session();
        Queue queue = session.createQueue("q");
        MessageProducer anonymous = session.createProducer(null);
        MessageProducer bound = session.createProducer(queue);
        Message message = session.createMessage();
        assertThrows(UnsupportedOperationException.class, () -> anonymous.send(message));
        assertThrows(UnsupportedOperationException.class, () -> bound.send(queue, message));
        assertThrows(InvalidDestinationException.class, () -> anonymous.send(null, message));
        assertThrows(jakarta.jms.MessageFormatException.class, () -> bound.send(null));
        assertThrows(JMSException.class, () -> bound.send(message, DeliveryMode.PERSISTENT, 10, 0));
        assertThrows(JMSException.class, () -> bound.setDeliveryMode(3));
        anonymous.send(queue, message);
        assertEquals(queue, message.getJMSDestination());
    }

    @Test
    void anotherProvidersMessageIsSent() throws Exception {
        Session session = session();
        Queue queue = session.createQueue("q");
        TextMessage foreign = ForeignMessages.text("from elsewhere", "origin", "other");
        session.createProducer(queue).send(foreign);
        assertTrue(foreign.getJMSMessageID().startsWith("ID:"), "headers set on the foreign object");
        WireMessage wire = sentMessage(broker.requests(RequestCode.SEND).get(0));
        assertEquals("other", wire.getProperty("origin"));
        assertEquals(foreign.getJMSMessageID(), wire.getMessageId());
        assertEquals("SEND_OK", foreign.getStringProperty(PropertyNames.KEEL_SEND_STATUS));
    }

    @Test
    void asyncSendsCompleteInOrderOffTheSendingThread() throws Exception {
        Session session = session();
        MessageProducer producer = session.createProducer(session.createQueue("q"));
        List<String> completed = new ArrayList<>();
        List<Thread> threads = new ArrayList<>();
        CountDownLatch done = new CountDownLatch(20);
        List<String> sent = new ArrayList<>();
        CompletionListener listener = new CompletionListener() {
            @Override
            public void onCompletion(Message message) {
                synchronized (completed) {
                    completed.add(id(message));
                    threads.add(Thread.currentThread());
                }
                done.countDown();
            }

            @Override
            public void onException(Message message, Exception exception) {
                done.countDown();
            }
        };
        for (int i = 0; i < 20; i++) {
            Message message = session.createMessage();
            producer.send(message, listener);
            sent.add(message.getJMSMessageID());
        }
        assertTrue(done.await(5, TimeUnit.SECONDS));
        assertEquals(sent, completed);
        assertFalse(threads.contains(Thread.currentThread()));
    }

    private static String id(Message message) {
        try {
            return message.getJMSMessageID();
        } catch (JMSException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void asyncBadStatusIsReportedToOnException() throws Exception {
        Session session = session();
        MessageProducer producer = session.createProducer(session.createQueue("q"));
        broker.sendStatuses("SLAVE_NOT_AVAILABLE");
        BlockingQueue<Exception> failures = new ArrayBlockingQueue<>(1);
        producer.send(session.createMessage(), new CompletionListener() {
            @Override
            public void onCompletion(Message message) {
            }

            @Override
            public void onException(Message message, Exception exception) {
                failures.add(exception);
            }
        });
        SendStatusException e = assertInstanceOf(SendStatusException.class, failures.poll(5, TimeUnit.SECONDS));
        assertEquals(SendStatus.SLAVE_NOT_AVAILABLE, e.getStatus());
    }

    @Test
    void asyncLostAnswerIsRetriedAndCloseWaitsForTheCallback() throws Exception {
        Session session = session("sendMsgTimeout=300");
        MessageProducer producer = session.createProducer(session.createQueue("q"));
        broker.dropAnswers(RequestCode.SEND, 1);
        AtomicReference<Message> completed = new AtomicReference<>();
        producer.send(session.createMessage(), new CompletionListener() {
            @Override
            public void onCompletion(Message message) {
                completed.set(message);
            }

            @Override
            public void onException(Message message, Exception exception) {
            }
        });
        producer.close();
        assertNotNull(completed.get(), "close returned only after the callback ran");
        assertEquals("true", broker.requests(RequestCode.SEND).get(1).header("retry"));
    }

    @Test
    void aCompletionListenerMayNotCloseItsProducer() throws Exception {
        Session session = session();
        MessageProducer producer = session.createProducer(session.createQueue("q"));
        BlockingQueue<Exception> outcome = new ArrayBlockingQueue<>(1);
        producer.send(session.createMessage(), new CompletionListener() {
            @Override
            public void onCompletion(Message message) {
                try {
                    producer.close();
                    outcome.add(new Exception("closed"));
                } catch (JMSException e) {
                    outcome.add(e);
                }
            }

            @Override
            public void onException(Message message, Exception exception) {
            }
        });
        assertInstanceOf(IllegalStateException.class, outcome.poll(5, TimeUnit.SECONDS));
        assertThrows(IllegalArgumentException.class, () -> producer.send(session.createMessage(), null));
    }
}
