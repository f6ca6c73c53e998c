package io.keelmq.server.conformance;

import io.keelmq.jms.KeelConnectionFactory;
import jakarta.jms.BytesMessage;
import jakarta.jms.Connection;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageProducer;
import jakarta.jms.Queue;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import jakarta.jms.Topic;
import jakarta.jms.TopicSubscriber;
import org.junit.jupiter.api.Test;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Behaviour the official Jakarta Messaging TCK found wrong, each pinned down here by the spec section it follows and
 * the TCK test that found it, so that the default build catches a regression without the TCK.
 */
class TckFindingsConformanceTest extends ConformanceTestBase {

    private static TextMessage text(Session session, String text, boolean last) throws JMSException {
        TextMessage message = session.createTextMessage(text);
        message.setBooleanProperty("lastMessage", last);
        return message;
    }

    /** TCK core.appclient.txtopictests transactionRollbackOnSessionCloseReceiveTopicTest; spec 6.2.7, 6.2.9. */
    @Test
    void s6_2_7_durableSubscriberInANewTransactedSessionReceivesWhatWasCommittedAfterItWasCreated() throws Exception {
        KeelConnectionFactory factory = new KeelConnectionFactory(url() + "?clientID=" + unique("cts"));
        Connection connection = track(factory.createConnection());
        Session defaultSession = connection.createSession(true, Session.SESSION_TRANSACTED);
        Topic topic = defaultSession.createTopic(unique("tx-durable"));
        defaultSession.createConsumer(topic).close();
        MessageProducer publisher = defaultSession.createProducer(topic);
        Session receiving = connection.createSession(true, Session.SESSION_TRANSACTED);
        TopicSubscriber subscriber = receiving.createDurableSubscriber(topic, "TxTopicTestSubscription");
        connection.start();

        publisher.send(text(defaultSession, "transaction message test", false));
        defaultSession.commit();
        Message first = subscriber.receive(5_000);
        receiving.commit();
        assertNotNull(first);
        assertEquals("transaction message test", ((TextMessage) first).getText());

        publisher.send(text(defaultSession, "transaction message test", true));
        defaultSession.commit();
        assertNotNull(subscriber.receive(5_000));
        receiving.close();

        Session again = connection.createSession(true, Session.SESSION_TRANSACTED);
        TopicSubscriber resumed = again.createDurableSubscriber(topic, "TxTopicTestSubscription");
        Message redelivered = resumed.receive(5_000);
        again.commit();
        assertNotNull(redelivered, "the uncommitted receive was rolled back by close");
        assertTrue(redelivered.getBooleanProperty("lastMessage"));
        resumed.close();
        again.unsubscribe("TxTopicTestSubscription");
    }

    /**
     * TCK core20.jmsconsumertests queueReceiveBodyExceptionTests hung: a consumer of a stopped connection (the TCK's
     * tool creates one on the same queue) prefetched the message, so the receiving consumer never got it. Spec 4.3.3:
     * a stopped connection delivers nothing, so it has no business taking messages from competing consumers.
     */
    @Test
    void s4_3_3_aConsumerOfAStoppedConnectionDoesNotTakeMessagesFromOthers() throws Exception {
        Connection stopped = connection();
        Session idle = stopped.createSession(false, Session.AUTO_ACKNOWLEDGE);
        Queue queue = idle.createQueue(unique("stopped-prefetch"));
        MessageConsumer idleConsumer = idle.createConsumer(queue);

        Connection started = connection();
        Session active = started.createSession(false, Session.AUTO_ACKNOWLEDGE);
        MessageConsumer activeConsumer = active.createConsumer(queue);
        started.start();
        MessageProducer producer = active.createProducer(queue);
        for (int i = 0; i < 5; i++) {
            producer.send(active.createTextMessage("m" + i));
        }
        for (int i = 0; i < 5; i++) {
            Message message = activeConsumer.receive(5_000);
            assertNotNull(message, "message " + i + " was kept from the started connection's consumer");
            assertEquals("m" + i, ((TextMessage) message).getText());
        }
        // Once started, the first connection's consumer takes what comes.
        activeConsumer.close();
        stopped.start();
        producer.send(active.createTextMessage("later"));
        Message later = idleConsumer.receive(5_000);
        assertNotNull(later);
        assertEquals("later", ((TextMessage) later).getText());
    }

    /** Issue #15 point 3: an interrupted receive without timeout returns instead of blocking on (spec 8.2: null). */
    @Test
    void s8_2_anInterruptedReceiveReturns() throws Exception {
        Connection connection = connection();
        Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
        MessageConsumer consumer = session.createConsumer(session.createQueue(unique("interrupted")));
        connection.start();
        BlockedReceive blocked = new BlockedReceive(consumer);
        blocked.interrupt();
        assertTrue(blocked.returned(), "the interrupted receive() still blocks");
        assertNull(blocked.outcome());
    }

    /**
     * TCK core20.sessiontests createSharedConsumerTopicTest1/2 and jmscontexttopictests createSharedConsumerTest2:
     * two consumers of one shared subscription in one session; whichever is asked receives the next message, even
     * when the broker had sent it to the other's prefetch (spec 8.3.4: the subscription's messages are shared out).
     */
    @Test
    void s8_3_4_consumersOfOneSharedSubscriptionInOneSessionEachReceiveWhenAsked() throws Exception {
        Connection connection = connection();
        Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
        Topic topic = session.createTopic(unique("shared-in-session"));
        MessageConsumer first = session.createSharedConsumer(topic, "sub");
        MessageConsumer second = session.createSharedConsumer(topic, "sub");
        connection.start();
        assertEachReceivesWhenAsked(session, session.createProducer(topic), first, second);
    }

    /** The same for two consumers of one queue in one session. */
    @Test
    void s4_1_2_consumersOfOneQueueInOneSessionEachReceiveWhenAsked() throws Exception {
        Connection connection = connection();
        Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
        Queue queue = session.createQueue(unique("queue-in-session"));
        MessageConsumer first = session.createConsumer(queue);
        MessageConsumer second = session.createConsumer(queue);
        connection.start();
        assertEachReceivesWhenAsked(session, session.createProducer(queue), first, second);
    }

    private static void assertEachReceivesWhenAsked(Session session, MessageProducer producer, MessageConsumer first,
                                                    MessageConsumer second) throws Exception {
        // Asked twice in a row each, so that no fixed way of sharing messages out between the two can match it.
        boolean[] askFirst = {true, true, false, false, true, false};
        for (int round = 0; round < askFirst.length; round++) {
            MessageConsumer asked = askFirst[round] ? first : second;
            MessageConsumer other = askFirst[round] ? second : first;
            producer.send(session.createTextMessage("m" + round));
            Message received = asked.receive(5_000);
            assertNotNull(received, "round " + round + ": the consumer asked got nothing");
            assertEquals("m" + round, ((TextMessage) received).getText());
            assertNull(other.receive(200), "round " + round + ": the message was delivered twice");
        }
    }

    /**
     * TCK core.foreignMsgQueue sendReceiveBytesMsgQueueTest (and its topic twin): another provider's BytesMessage
     * whose getBodyLength does not match what was written (the TCK's reports a length it was set to). Spec 3.12: a
     * provider must accept another's message; its body is what readBytes gives, to the end.
     */
    @Test
    void s3_12_aForeignBytesMessageIsCopiedAsReadNotAsItsReportedLength() throws Exception {
        Connection connection = connection();
        Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
        Queue queue = session.createQueue(unique("foreign-bytes"));
        MessageConsumer consumer = session.createConsumer(queue);
        connection.start();
        for (long reportedLength : new long[] {3, 200}) {
            BytesMessage real = session.createBytesMessage();
            real.writeBoolean(true);
            real.writeInt(22);
            real.writeUTF("foreign");
            real.reset();
            session.createProducer(queue).send(foreignBytes(real, reportedLength));
            BytesMessage received = (BytesMessage) consumer.receive(5_000);
            assertNotNull(received);
            assertTrue(received.readBoolean());
            assertEquals(22, received.readInt());
            assertEquals("foreign", received.readUTF());
            assertEquals(1 + 4 + 2 + "foreign".length(), received.getBodyLength());
        }
    }

    /** Another provider's BytesMessage: everything as {@code real} does it, but a body length of its own. */
    private static BytesMessage foreignBytes(BytesMessage real, long reportedLength) {
        return (BytesMessage) Proxy.newProxyInstance(TckFindingsConformanceTest.class.getClassLoader(),
                new Class<?>[] {BytesMessage.class}, (proxy, method, args) -> {
                    if (method.getName().equals("getBodyLength")) {
                        return reportedLength;
                    }
                    try {
                        return method.invoke(real, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }
}
