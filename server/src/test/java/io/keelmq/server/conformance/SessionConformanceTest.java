package io.keelmq.server.conformance;

import jakarta.jms.Connection;
import jakarta.jms.IllegalStateException;
import jakarta.jms.IllegalStateRuntimeException;
import jakarta.jms.InvalidDestinationException;
import jakarta.jms.JMSConsumer;
import jakarta.jms.JMSContext;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageProducer;
import jakarta.jms.Queue;
import jakarta.jms.QueueBrowser;
import jakarta.jms.Session;
import jakarta.jms.TemporaryQueue;
import jakarta.jms.TemporaryTopic;
import jakarta.jms.TextMessage;
import jakarta.jms.Topic;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * 6.2 sessions (non-transacted; transacted sessions are covered by TransactedSessionJmsTest), with the
 * consumer kinds of chapter 8 they create: acknowledgement, recover, temporary destinations, browsers,
 * noLocal, durable and shared subscriptions.
 */
class SessionConformanceTest extends ConformanceTestBase {

    private static List<String> texts(List<Message> messages) throws JMSException {
        List<String> texts = new ArrayList<>();
        for (Message message : messages) {
            texts.add(((TextMessage) message).getText());
        }
        return texts;
    }

    private void send(Session session, jakarta.jms.Destination destination, String... texts) throws JMSException {
        MessageProducer producer = session.createProducer(destination);
        for (String text : texts) {
            producer.send(session.createTextMessage(text));
        }
        producer.close();
    }

    // ------------------------------------------------------------------ 6.2.10 acknowledgement

    @Test
    void s6_2_10_acknowledgeModesAreReported() throws Exception {
        Connection connection = connection();
        for (int mode : new int[] {Session.AUTO_ACKNOWLEDGE, Session.CLIENT_ACKNOWLEDGE, Session.DUPS_OK_ACKNOWLEDGE}) {
            Session session = connection.createSession(false, mode);
            assertEquals(mode, session.getAcknowledgeMode());
            assertFalse(session.getTransacted());
        }
        assertEquals(Session.CLIENT_ACKNOWLEDGE, connection.createSession(Session.CLIENT_ACKNOWLEDGE).getAcknowledgeMode());
        assertEquals(Session.AUTO_ACKNOWLEDGE, connection.createSession().getAcknowledgeMode());
    }

    @Test
    void s6_2_10_autoAcknowledgedMessagesAreNotDeliveredAgain() throws Exception {
        Connection connection = connection();
        Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
        Queue queue = session.createQueue(unique("auto"));
        send(session, queue, "a", "b");
        MessageConsumer consumer = session.createConsumer(queue);
        connection.start();
        assertEquals("a", ((TextMessage) consumer.receive(5_000)).getText());
        session.close();
        Session next = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
        assertEquals(List.of("b"), texts(drain(next.createConsumer(queue), 300)));
    }

    @Test
    void s6_2_10_clientAcknowledgeAcknowledgesEverythingTheSessionConsumed() throws Exception {
        Connection connection = connection();
        Session session = connection.createSession(false, Session.CLIENT_ACKNOWLEDGE);
        Queue first = session.createQueue(unique("client-ack-1"));
        Queue second = session.createQueue(unique("client-ack-2"));
        send(session, first, "1a", "1b");
        send(session, second, "2a");
        MessageConsumer a = session.createConsumer(first);
        MessageConsumer b = session.createConsumer(second);
        connection.start();
        Message m1 = a.receive(5_000);
        assertNotNull(a.receive(5_000));
        assertNotNull(b.receive(5_000));
        m1.acknowledge(); // acknowledges all three, not just m1
        session.close();
        Session check = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
        assertNull(check.createConsumer(first).receive(300));
        assertNull(check.createConsumer(second).receive(300));
    }

    @Test
    void s6_2_10_unacknowledgedMessagesAreRedeliveredWhenTheSessionCloses() throws Exception {
        Connection connection = connection();
        Session session = connection.createSession(false, Session.CLIENT_ACKNOWLEDGE);
        Queue queue = session.createQueue(unique("client-unacked"));
        send(session, queue, "x");
        MessageConsumer consumer = session.createConsumer(queue);
        connection.start();
        Message first = consumer.receive(5_000);
        assertFalse(first.getJMSRedelivered());
        session.close();
        Session next = connection.createSession(false, Session.CLIENT_ACKNOWLEDGE);
        Message again = next.createConsumer(queue).receive(5_000);
        assertNotNull(again);
        assertEquals(first.getJMSMessageID(), again.getJMSMessageID());
        assertTrue(again.getJMSRedelivered());
        assertEquals(2, again.getIntProperty("JMSXDeliveryCount"));
        again.acknowledge();
    }

    @Test
    void s6_2_10_dupsOkDeliversEveryMessage() throws Exception {
        Connection connection = connection();
        Session session = connection.createSession(false, Session.DUPS_OK_ACKNOWLEDGE);
        Queue queue = session.createQueue(unique("dups-ok"));
        send(session, queue, "1", "2", "3");
        MessageConsumer consumer = session.createConsumer(queue);
        connection.start();
        assertEquals(List.of("1", "2", "3"), texts(drain(consumer, 300)));
    }

    @Test
    void s6_2_10_recoverRedeliversFromTheFirstUnacknowledgedMessage() throws Exception {
        Connection connection = connection();
        Session session = connection.createSession(false, Session.CLIENT_ACKNOWLEDGE);
        Queue queue = session.createQueue(unique("recover"));
        send(session, queue, "1", "2", "3");
        MessageConsumer consumer = session.createConsumer(queue);
        connection.start();
        consumer.receive(5_000).acknowledge();
        assertEquals("2", ((TextMessage) consumer.receive(5_000)).getText());
        assertEquals("3", ((TextMessage) consumer.receive(5_000)).getText());
        session.recover();
        Message two = consumer.receive(5_000);
        assertEquals("2", ((TextMessage) two).getText());
        assertTrue(two.getJMSRedelivered());
        assertEquals(2, two.getIntProperty("JMSXDeliveryCount"));
        Message three = consumer.receive(5_000);
        assertEquals("3", ((TextMessage) three).getText());
        assertTrue(three.getJMSRedelivered());
        three.acknowledge();
        assertNull(consumer.receive(200));
    }

    @Test
    void s8_7_listenerThrowingInAutoAcknowledgeGetsTheMessageAgainAsRedelivered() throws Exception {
        Connection connection = connection();
        Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
        Queue queue = session.createQueue(unique("listener-throws"));
        List<Boolean> redelivered = new CopyOnWriteArrayList<>();
        CountDownLatch twice = new CountDownLatch(2);
        session.createConsumer(queue).setMessageListener(m -> {
            try {
                redelivered.add(m.getJMSRedelivered());
            } catch (JMSException e) {
                throw new RuntimeException(e);
            }
            twice.countDown();
            if (redelivered.size() == 1) {
                throw new RuntimeException("fails once, on purpose");
            }
        });
        connection.start();
        connection().createSession(false, Session.AUTO_ACKNOWLEDGE).createProducer(queue)
                .send(session.createTextMessage("retry me"));
        assertTrue(twice.await(10, TimeUnit.SECONDS), "delivered again after the listener threw");
        assertEquals(List.of(false, true), redelivered);
    }

    // ------------------------------------------------------------------ 6.2.2 temporary destinations

    @Test
    void s6_2_2_temporaryQueueIsConsumableOnlyByItsOwnConnection() throws Exception {
        Connection owner = connection();
        Session session = owner.createSession(false, Session.AUTO_ACKNOWLEDGE);
        TemporaryQueue temporary = session.createTemporaryQueue();
        // Any session of the owning connection may consume
        Session other = owner.createSession(false, Session.AUTO_ACKNOWLEDGE);
        MessageConsumer consumer = other.createConsumer(temporary);
        // Another connection may send to it but not consume from it
        Connection stranger = connection();
        Session strangerSession = stranger.createSession(false, Session.AUTO_ACKNOWLEDGE);
        strangerSession.createProducer(temporary).send(strangerSession.createTextMessage("reply"));
        assertThrows(JMSException.class, () -> strangerSession.createConsumer(temporary));
        owner.start();
        assertEquals("reply", ((TextMessage) consumer.receive(5_000)).getText());
    }

    @Test
    void s6_2_2_temporaryTopicIsConsumableOnlyByItsOwnConnection() throws Exception {
        Connection owner = connection();
        Session session = owner.createSession(false, Session.AUTO_ACKNOWLEDGE);
        TemporaryTopic temporary = session.createTemporaryTopic();
        MessageConsumer consumer = session.createConsumer(temporary);
        Session strangerSession = connection().createSession(false, Session.AUTO_ACKNOWLEDGE);
        assertThrows(JMSException.class, () -> strangerSession.createConsumer(temporary));
        strangerSession.createProducer(temporary).send(strangerSession.createTextMessage("event"));
        owner.start();
        assertEquals("event", ((TextMessage) consumer.receive(5_000)).getText());
    }

    @Test
    void s6_2_2_deletingATemporaryDestinationInUseFailsAndDeletedOnesCannotBeUsed() throws Exception {
        Connection connection = connection();
        Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
        TemporaryQueue queue = session.createTemporaryQueue();
        MessageConsumer consumer = session.createConsumer(queue);
        assertThrows(JMSException.class, queue::delete, "a consumer still uses it");
        consumer.close();
        queue.delete();
        assertThrows(JMSException.class, () -> session.createConsumer(queue));
        assertThrows(JMSException.class, () -> session.createProducer(queue).send(session.createTextMessage("x")));
        TemporaryTopic topic = session.createTemporaryTopic();
        MessageConsumer subscriber = session.createConsumer(topic);
        assertThrows(JMSException.class, topic::delete);
        subscriber.close();
        topic.delete();
    }

    @Test
    void s6_2_2_temporaryDestinationsEndWithTheirConnection() throws Exception {
        Connection owner = connection();
        TemporaryQueue temporary = owner.createSession(false, Session.AUTO_ACKNOWLEDGE).createTemporaryQueue();
        owner.close();
        Session session = connection().createSession(false, Session.AUTO_ACKNOWLEDGE);
        assertThrows(InvalidDestinationException.class,
                () -> session.createProducer(temporary).send(session.createTextMessage("too late")));
    }

    @Test
    void s6_2_2_eachTemporaryDestinationIsUnique() throws Exception {
        Session session = connection().createSession(false, Session.AUTO_ACKNOWLEDGE);
        Set<String> names = new HashSet<>();
        for (int i = 0; i < 5; i++) {
            assertTrue(names.add(session.createTemporaryQueue().getQueueName()));
            assertTrue(names.add(session.createTemporaryTopic().getTopicName()));
        }
    }

    // ------------------------------------------------------------------ 4.1.6 QueueBrowser

    @Test
    void s4_1_6_browserShowsMessagesInOrderWithoutConsumingThem() throws Exception {
        Connection connection = connection();
        Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
        Queue queue = session.createQueue(unique("browse"));
        MessageProducer producer = session.createProducer(queue);
        for (int i = 0; i < 5; i++) {
            Message message = session.createTextMessage("m" + i);
            message.setIntProperty("i", i);
            producer.send(message);
        }
        QueueBrowser browser = session.createBrowser(queue);
        assertEquals(queue, browser.getQueue());
        assertNull(browser.getMessageSelector());
        List<String> seen = new ArrayList<>();
        for (Object m : Collections.list(browser.getEnumeration())) {
            seen.add(((TextMessage) m).getText());
        }
        assertEquals(List.of("m0", "m1", "m2", "m3", "m4"), seen);
        QueueBrowser selective = session.createBrowser(queue, "i >= 3");
        assertEquals(2, Collections.list(selective.getEnumeration()).size());
        browser.close();
        selective.close();
        MessageConsumer consumer = session.createConsumer(queue);
        connection.start();
        assertEquals(List.of("m0", "m1", "m2", "m3", "m4"), texts(drain(consumer, 300)), "browsing consumed nothing");
    }

    // ------------------------------------------------------------------ 8.3.1 noLocal

    @Test
    void s8_3_1_noLocalSubscriberDoesNotGetItsOwnConnectionsMessages() throws Exception {
        Connection local = connection();
        Session session = local.createSession(false, Session.AUTO_ACKNOWLEDGE);
        Topic topic = session.createTopic(unique("nolocal"));
        MessageConsumer noLocal = session.createConsumer(topic, null, true);
        MessageConsumer all = session.createConsumer(topic, null, false);
        local.start();
        send(session, topic, "own");
        Session remote = connection().createSession(false, Session.AUTO_ACKNOWLEDGE);
        send(remote, topic, "remote");
        assertEquals(List.of("remote"), texts(drain(noLocal, 300)));
        assertEquals(List.of("own", "remote"), texts(drain(all, 300)));
    }

    @Test
    void s8_3_3_durableNoLocalSubscriptionSkipsItsOwnConnectionsMessages() throws Exception {
        Connection local = connection();
        local.setClientID(unique("nolocal-durable"));
        Session session = local.createSession(false, Session.AUTO_ACKNOWLEDGE);
        Topic topic = session.createTopic(unique("nolocal-durable-topic"));
        MessageConsumer durable = session.createDurableConsumer(topic, "d", null, true);
        send(session, topic, "own");
        send(connection().createSession(false, Session.AUTO_ACKNOWLEDGE), topic, "remote");
        local.start();
        assertEquals(List.of("remote"), texts(drain(durable, 300)));
        durable.close();
        session.unsubscribe("d");
    }

    // ------------------------------------------------------------------ 8.3.3 unshared durable subscriptions

    @Test
    void s8_3_3_durableSubscriptionKeepsMessagesWhileNoConsumerIsActive() throws Exception {
        Connection connection = connection();
        connection.setClientID(unique("durable"));
        Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
        Topic topic = session.createTopic(unique("durable-topic"));
        session.createDurableSubscriber(topic, "keep").close();
        send(session, topic, "while away");
        connection.start();
        MessageConsumer back = session.createDurableSubscriber(topic, "keep");
        assertEquals("while away", ((TextMessage) back.receive(5_000)).getText());
        back.close();
        session.unsubscribe("keep");
    }

    @Test
    void s8_3_3_anUnsharedDurableSubscriptionHasOneActiveConsumer() throws Exception {
        Connection connection = connection();
        connection.setClientID(unique("one-active"));
        Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
        Topic topic = session.createTopic(unique("one-active-topic"));
        MessageConsumer first = session.createDurableConsumer(topic, "only");
        assertThrows(JMSException.class, () -> session.createDurableConsumer(topic, "only"));
        Session other = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
        assertThrows(JMSException.class, () -> other.createDurableSubscriber(topic, "only"));
        first.close();
        session.createDurableConsumer(topic, "only").close();
        session.unsubscribe("only");
    }

    @Test
    void s8_3_3_unsharedDurableSubscriptionNeedsAClientId() throws Exception {
        // The javadoc of each method: IllegalStateException "if the client identifier is unset" (TCK
        // jmscontexttopictests illegalStateRuntimeExceptionTest, sessiontests illegalStateExceptionTests).
        Session session = connection().createSession(false, Session.AUTO_ACKNOWLEDGE);
        Topic topic = session.createTopic(unique("no-client-id"));
        assertThrows(IllegalStateException.class, () -> session.createDurableConsumer(topic, "anonymous"));
        assertThrows(IllegalStateException.class, () -> session.createDurableConsumer(topic, "anonymous", null,
                false));
        assertThrows(IllegalStateException.class, () -> session.createDurableSubscriber(topic, "anonymous"));
        assertThrows(IllegalStateException.class, () -> session.createDurableSubscriber(topic, "anonymous",
                "a = 1", true));
        JMSContext context = context();
        assertThrows(IllegalStateRuntimeException.class, () -> context.createDurableConsumer(topic, "anonymous"));
        assertThrows(IllegalStateRuntimeException.class, () -> context.createDurableConsumer(topic, "anonymous",
                null, false));
    }

    @Test
    void s8_3_3_changingTopicOrSelectorReplacesAnInactiveDurableSubscription() throws Exception {
        Connection connection = connection();
        connection.setClientID(unique("replace"));
        Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
        Topic topic = session.createTopic(unique("replace-topic"));
        Topic otherTopic = session.createTopic(unique("replace-other"));
        session.createDurableSubscriber(topic, "sub").close();
        send(session, topic, "old");
        // Same name, new selector: the old subscription and its message are gone
        session.createDurableSubscriber(topic, "sub", "kind = 'new'", false).close();
        Message kept = session.createTextMessage("matches");
        kept.setStringProperty("kind", "new");
        session.createProducer(topic).send(kept);
        send(session, topic, "filtered out");
        connection.start();
        MessageConsumer replaced = session.createDurableSubscriber(topic, "sub", "kind = 'new'", false);
        assertEquals(List.of("matches"), texts(drain(replaced, 300)));
        replaced.close();
        // Same name, other topic: replaced again
        send(session, topic, "on the first topic");
        MessageConsumer moved = session.createDurableSubscriber(otherTopic, "sub");
        assertNull(moved.receive(300), "the subscription on the first topic is gone");
        send(session, otherTopic, "on the other topic");
        assertEquals("on the other topic", ((TextMessage) moved.receive(5_000)).getText());
        moved.close();
        session.unsubscribe("sub");
    }

    @Test
    void s8_3_3_unsubscribeRules() throws Exception {
        Connection connection = connection();
        connection.setClientID(unique("unsubscribe"));
        Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
        Topic topic = session.createTopic(unique("unsubscribe-topic"));
        assertThrows(InvalidDestinationException.class, () -> session.unsubscribe("never-existed"));
        MessageConsumer active = session.createDurableConsumer(topic, "sub");
        assertThrows(JMSException.class, () -> session.unsubscribe("sub"), "a consumer is active on it");
        active.close();
        send(session, topic, "dropped with the subscription");
        session.unsubscribe("sub");
        assertThrows(InvalidDestinationException.class, () -> session.unsubscribe("sub"));
        connection.start();
        MessageConsumer fresh = session.createDurableConsumer(topic, "sub");
        assertNull(fresh.receive(300), "a new subscription starts empty");
        fresh.close();
        session.unsubscribe("sub");
    }

    @Test
    void s8_3_3_and_8_3_4_sharedAndUnsharedDurableSubscriptionsCannotShareAName() throws Exception {
        Connection connection = connection();
        connection.setClientID(unique("kinds"));
        Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
        Topic topic = session.createTopic(unique("kinds-topic"));
        session.createSharedDurableConsumer(topic, "shared-name").close();
        assertThrows(JMSException.class, () -> session.createDurableConsumer(topic, "shared-name"),
                "a shared durable subscription of that name exists");
        session.createDurableConsumer(topic, "unshared-name").close();
        assertThrows(JMSException.class, () -> session.createSharedDurableConsumer(topic, "unshared-name"),
                "an unshared durable subscription of that name exists");
        session.unsubscribe("shared-name");
        session.unsubscribe("unshared-name");
    }

    @Test
    void s8_3_3_and_8_3_4_durableSubscriptionsAreNamedByClientIdAndName() throws Exception {
        String name = unique("same-name");
        Connection a = connection();
        a.setClientID(unique("client-a"));
        Connection b = connection();
        b.setClientID(unique("client-b"));
        Session sa = a.createSession(false, Session.AUTO_ACKNOWLEDGE);
        Session sb = b.createSession(false, Session.AUTO_ACKNOWLEDGE);
        Topic topic = sa.createTopic(unique("named-by-client"));
        // Unshared: one per client id, both active at once
        MessageConsumer ca = sa.createDurableConsumer(topic, name);
        MessageConsumer cb = sb.createDurableConsumer(topic, name);
        // Shared: with a client id, and without one, are different subscriptions too
        Connection noClientId = connection();
        Session anonymous = noClientId.createSession(false, Session.AUTO_ACKNOWLEDGE);
        String shared = unique("shared-name");
        MessageConsumer withId = sa.createSharedDurableConsumer(topic, shared);
        MessageConsumer withoutId = anonymous.createSharedDurableConsumer(topic, shared);
        send(sa, topic, "to all");
        a.start();
        b.start();
        noClientId.start();
        for (MessageConsumer consumer : List.of(ca, cb, withId, withoutId)) {
            assertEquals("to all", ((TextMessage) consumer.receive(5_000)).getText());
        }
        for (MessageConsumer consumer : List.of(ca, cb, withId, withoutId)) {
            consumer.close();
        }
        sa.unsubscribe(name);
        sb.unsubscribe(name);
        sa.unsubscribe(shared);
        anonymous.unsubscribe(shared);
    }

    // ------------------------------------------------------------------ 8.3.2, 8.3.4 shared subscriptions

    @Test
    void s8_3_4_sharedDurableConsumersShareTheMessages() throws Exception {
        Connection first = connection();
        Connection second = connection();
        Session s1 = first.createSession(false, Session.AUTO_ACKNOWLEDGE);
        Session s2 = second.createSession(false, Session.AUTO_ACKNOWLEDGE);
        Topic topic = s1.createTopic(unique("shared-durable"));
        String name = unique("shared-sub");
        MessageConsumer c1 = s1.createSharedDurableConsumer(topic, name);
        MessageConsumer c2 = s2.createSharedDurableConsumer(topic, name);
        List<String> sent = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            sent.add("m" + i);
        }
        send(s1, topic, sent.toArray(new String[0]));
        first.start();
        second.start();
        List<String> received = new ArrayList<>(texts(drain(c1, 300)));
        received.addAll(texts(drain(c2, 300)));
        Collections.sort(received);
        List<String> expected = new ArrayList<>(sent);
        Collections.sort(expected);
        assertEquals(expected, received, "each message exactly once across the shared consumers");
        // Active consumers, other selector: refused
        assertThrows(JMSException.class, () -> s1.createSharedDurableConsumer(topic, name, "a = 1"));
        c1.close();
        c2.close();
        // Still there without consumers: it keeps accumulating
        send(s1, topic, "kept");
        MessageConsumer back = s2.createSharedDurableConsumer(topic, name);
        assertEquals("kept", ((TextMessage) back.receive(5_000)).getText());
        back.close();
        s2.unsubscribe(name);
    }

    @Test
    void s8_3_2_sharedNonDurableSubscriptionEndsWithItsLastConsumer() throws Exception {
        JMSContext context = context();
        Topic topic = context.createTopic(unique("shared-nondurable"));
        String name = unique("shared");
        JMSConsumer c1 = context.createSharedConsumer(topic, name);
        JMSContext other = context();
        JMSConsumer c2 = other.createSharedConsumer(topic, name);
        for (int i = 0; i < 10; i++) {
            context.createProducer().send(topic, "m" + i);
        }
        Set<String> received = new HashSet<>();
        int count = 0;
        for (JMSConsumer consumer : List.of(c1, c2)) {
            String body;
            while ((body = consumer.receiveBody(String.class, 300)) != null) {
                received.add(body);
                count++;
            }
        }
        assertEquals(10, count, "each message once");
        assertEquals(10, received.size());
        assertThrows(jakarta.jms.JMSRuntimeException.class,
                () -> context.createSharedConsumer(context.createTopic(unique("other")), name),
                "active with another topic");
        c1.close();
        c2.close();
        context.createProducer().send(topic, "nobody subscribed");
        JMSConsumer fresh = context.createSharedConsumer(topic, name);
        assertNull(fresh.receiveBody(String.class, 300), "the subscription ended with its last consumer");
    }

    @Test
    void s8_3_sharedNonDurableAndDurableSubscriptionsWithTheSameNameAreSeparate() throws Exception {
        Connection connection = connection();
        Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
        Topic topic = session.createTopic(unique("separate"));
        String name = unique("same-name");
        MessageConsumer shared = session.createSharedConsumer(topic, name);
        MessageConsumer durable = session.createSharedDurableConsumer(topic, name);
        send(session, topic, "both");
        connection.start();
        assertEquals("both", ((TextMessage) shared.receive(5_000)).getText());
        assertEquals("both", ((TextMessage) durable.receive(5_000)).getText());
        durable.close();
        session.unsubscribe(name);
    }

    @Test
    void s6_2_15_closingASessionEndsItsReceivesAndItsObjects() throws Exception {
        Connection connection = connection();
        Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
        Queue queue = session.createQueue(unique("session-close"));
        MessageConsumer consumer = session.createConsumer(queue);
        MessageProducer producer = session.createProducer(queue);
        connection.start();
        BlockedReceive pending = new BlockedReceive(consumer);
        session.close();
        assertTrue(pending.returned(), "close returned before the pending receive");
        assertNull(pending.outcome(), "a blocked receive returns null when closed");
        assertThrows(IllegalStateException.class, () -> producer.send(session.createMessage()));
        assertThrows(IllegalStateException.class, () -> consumer.receive(10));
        assertThrows(IllegalStateException.class, session::createMessage);
        session.close(); // ignored
    }

    @Test
    void s6_2_15_everyMethodOfAClosedSessionAndItsObjectsThrowsIllegalStateException() throws Exception {
        Connection connection = connection();
        connection.setClientID(unique("closed-everything"));
        Session session = connection.createSession(false, Session.CLIENT_ACKNOWLEDGE);
        Queue queue = session.createQueue(unique("closed-q"));
        Topic topic = session.createTopic(unique("closed-t"));
        MessageProducer producer = session.createProducer(queue);
        MessageConsumer consumer = session.createConsumer(queue, "a = 1");
        QueueBrowser browser = session.createBrowser(queue);
        producer.send(session.createMessage());
        MessageConsumer receiving = session.createConsumer(queue);
        connection.start();
        Message message = receiving.receive(5_000); // a received message: its acknowledge must fail after close
        assertNotNull(message);
        session.close();
        java.util.Map<String, org.junit.jupiter.api.function.Executable> calls = new java.util.LinkedHashMap<>();
        calls.put("createMessage", session::createMessage);
        calls.put("createTextMessage", () -> session.createTextMessage("x"));
        calls.put("createBytesMessage", session::createBytesMessage);
        calls.put("createMapMessage", session::createMapMessage);
        calls.put("createObjectMessage", () -> session.createObjectMessage("x"));
        calls.put("createStreamMessage", session::createStreamMessage);
        calls.put("createQueue", () -> session.createQueue("q"));
        calls.put("createTopic", () -> session.createTopic("t"));
        calls.put("createTemporaryQueue", session::createTemporaryQueue);
        calls.put("createTemporaryTopic", session::createTemporaryTopic);
        calls.put("createProducer", () -> session.createProducer(queue));
        calls.put("createConsumer", () -> session.createConsumer(queue));
        calls.put("createConsumer(selector)", () -> session.createConsumer(queue, "a = 1"));
        calls.put("createConsumer(noLocal)", () -> session.createConsumer(topic, null, true));
        calls.put("createBrowser", () -> session.createBrowser(queue));
        calls.put("createDurableSubscriber", () -> session.createDurableSubscriber(topic, "d"));
        calls.put("createDurableConsumer", () -> session.createDurableConsumer(topic, "d"));
        calls.put("createSharedConsumer", () -> session.createSharedConsumer(topic, "s"));
        calls.put("createSharedDurableConsumer", () -> session.createSharedDurableConsumer(topic, "sd"));
        calls.put("unsubscribe", () -> session.unsubscribe("d"));
        calls.put("getTransacted", session::getTransacted);
        calls.put("getAcknowledgeMode", session::getAcknowledgeMode);
        calls.put("recover", session::recover);
        calls.put("commit", session::commit);
        calls.put("rollback", session::rollback);
        calls.put("getMessageListener", session::getMessageListener);
        calls.put("acknowledge", message::acknowledge);
        calls.put("producer.send", () -> producer.send(message));
        calls.put("producer.getDestination", producer::getDestination);
        calls.put("producer.getDeliveryMode", producer::getDeliveryMode);
        calls.put("producer.setDeliveryMode", () -> producer.setDeliveryMode(1));
        calls.put("producer.getPriority", producer::getPriority);
        calls.put("producer.setPriority", () -> producer.setPriority(1));
        calls.put("producer.getTimeToLive", producer::getTimeToLive);
        calls.put("producer.setTimeToLive", () -> producer.setTimeToLive(1));
        calls.put("producer.getDeliveryDelay", producer::getDeliveryDelay);
        calls.put("producer.setDisableMessageID", () -> producer.setDisableMessageID(true));
        calls.put("producer.getDisableMessageTimestamp", producer::getDisableMessageTimestamp);
        calls.put("consumer.receive", consumer::receive);
        calls.put("consumer.receive(timeout)", () -> consumer.receive(10));
        calls.put("consumer.receiveNoWait", consumer::receiveNoWait);
        calls.put("consumer.getMessageSelector", consumer::getMessageSelector);
        calls.put("consumer.getMessageListener", consumer::getMessageListener);
        calls.put("consumer.setMessageListener", () -> consumer.setMessageListener(m -> { }));
        calls.put("browser.getQueue", browser::getQueue);
        calls.put("browser.getMessageSelector", browser::getMessageSelector);
        calls.put("browser.getEnumeration", browser::getEnumeration);
        java.util.List<String> wrong = new ArrayList<>();
        calls.forEach((name, call) -> {
            try {
                call.execute();
                wrong.add(name + ": no exception");
            } catch (IllegalStateException expected) {
                // as the spec requires
            } catch (Throwable other) {
                wrong.add(name + ": " + other);
            }
        });
        assertEquals(List.of(), wrong);
        browser.close();
        consumer.close();
        producer.close();
        session.close();
    }
}
