package io.keelmq.jms;

import io.keelmq.protocol.frame.ErrorCode;
import io.keelmq.protocol.frame.Frame;
import io.keelmq.protocol.frame.RequestCode;
import jakarta.jms.Connection;
import jakarta.jms.IllegalStateException;
import jakarta.jms.InvalidDestinationException;
import jakarta.jms.InvalidSelectorException;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageProducer;
import jakarta.jms.Queue;
import jakarta.jms.QueueBrowser;
import jakarta.jms.QueueSession;
import jakarta.jms.Session;
import jakarta.jms.TemporaryQueue;
import jakarta.jms.TemporaryTopic;
import jakarta.jms.TextMessage;
import jakarta.jms.Topic;
import jakarta.jms.TopicSession;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SessionTest extends FakeBrokerTestBase {

    @Test
    void temporaryQueueLivesUntilDeletedAndOnlyWithoutConsumers() throws Exception {
        Connection connection = connect();
        connection.start();
        Session session = connection.createSession();
        TemporaryQueue temp = session.createTemporaryQueue();
        Frame create = broker.requests(RequestCode.CREATE_DESTINATION).get(0);
        assertEquals("TEMPORARY_QUEUE", create.header("destinationKind"));
        assertEquals(temp.getQueueName(), create.header("destination"));
        MessageConsumer consumer = session.createConsumer(temp);
        session.createProducer(temp).send(session.createTextMessage("reply"));
        assertEquals("reply", ((TextMessage) consumer.receive(2000)).getText());

        assertThrows(IllegalStateException.class, temp::delete);
        consumer.close();
        temp.delete();
        assertEquals(temp.getQueueName(), broker.requests(RequestCode.DELETE_DESTINATION).get(0).header("destination"));
        assertThrows(InvalidDestinationException.class, () -> session.createConsumer(temp));
        assertThrows(InvalidDestinationException.class, temp::delete);
    }

    @Test
    void onlyTheCreatingConnectionMayConsumeFromATemporaryDestination() throws Exception {
        Session owner = connect().createSession();
        TemporaryTopic temp = owner.createTemporaryTopic();
        Session other = connect().createSession();
        assertThrows(InvalidDestinationException.class, () -> other.createConsumer(temp));
        other.createProducer(temp).send(other.createMessage());
        Message reply = owner.createMessage();
        reply.setJMSReplyTo(temp);
        owner.createProducer(owner.createQueue("q")).send(reply);
        Connection third = connect();
        third.start();
        Message received = third.createSession().createConsumer(new KeelQueue("q")).receive(2000);
        TemporaryTopic copy = (TemporaryTopic) received.getJMSReplyTo();
        assertEquals(temp, copy);
        assertThrows(InvalidDestinationException.class, copy::delete, "only the creator's object deletes it");
    }

    @Test
    void temporaryDestinationsEndWithTheirConnection() throws Exception {
        Connection connection = connect();
        TemporaryQueue temp = connection.createSession().createTemporaryQueue();
        assertTrue(broker.hasTemporary("tempqueue/" + temp.getQueueName()));
        connection.close();
        assertFalse(broker.hasTemporary("tempqueue/" + temp.getQueueName()));
    }

    @Test
    void aBrowserWalksTheWholeQueueWithoutConsuming() throws Exception {
        Session session = connect().createSession();
        Queue queue = session.createQueue("q");
        MessageProducer producer = session.createProducer(queue);
        for (int i = 0; i < 250; i++) {
            TextMessage m = session.createTextMessage("m" + i);
            m.setIntProperty("n", i);
            producer.send(m);
        }
        QueueBrowser browser = session.createBrowser(queue);
        List<Integer> seen = new ArrayList<>();
        for (Enumeration<?> e = browser.getEnumeration(); e.hasMoreElements(); ) {
            seen.add(((Message) e.nextElement()).getIntProperty("n"));
        }
        assertEquals(250, seen.size());
        assertEquals(250, seen.stream().distinct().count());
        List<Frame> browses = broker.requests(RequestCode.BROWSE);
        assertTrue(browses.size() >= 3, "pages of " + KeelQueueBrowser.PAGE_SIZE);
        assertEquals("0", browses.get(0).header("fromPartition"));
        assertEquals("0", browses.get(0).header("fromOffset"));
        assertEquals("QUEUE", browses.get(0).header("destinationKind"));
        assertEquals(250, broker.states("queue/q")[0], "browsing consumed nothing");

        QueueBrowser selective = session.createBrowser(queue, "n < 3");
        assertEquals("n < 3", selective.getMessageSelector());
        int selected = 0;
        for (Enumeration<?> e = selective.getEnumeration(); e.hasMoreElements(); e.nextElement()) {
            selected++;
        }
        assertEquals(3, selected);
        assertThrows(InvalidSelectorException.class, () -> session.createBrowser(queue, "n <"));
        browser.close();
        assertThrows(IllegalStateException.class, browser::getEnumeration);
    }

    @Test
    void subscriptionsMapOntoCreateConsumerHeaders() throws Exception {
        Connection connection = connect();
        connection.setClientID("client");
        Session session = connection.createSession();
        Topic topic = session.createTopic("t");
        session.createDurableSubscriber(topic, "durable", "a = 1", true);
        session.createSharedConsumer(topic, "shared");
        session.createSharedDurableConsumer(topic, "sharedDurable", "b = 2");
        session.createConsumer(topic, null, true);
        session.createConsumer(session.createQueue("q"), null, true);
        List<Frame> creates = broker.requests(RequestCode.CREATE_CONSUMER);
        assertHeaders(creates.get(0), "TOPIC", "t", "durable", "true", "false", "true", "a = 1");
        assertHeaders(creates.get(1), "TOPIC", "t", "shared", "false", "true", "false", null);
        assertHeaders(creates.get(2), "TOPIC", "t", "sharedDurable", "true", "true", "false", "b = 2");
        assertHeaders(creates.get(3), "TOPIC", "t", null, "false", "false", "true", null);
        assertHeaders(creates.get(4), "QUEUE", "q", null, "false", "false", "false", null);
    }

    private static void assertHeaders(Frame f, String kind, String destination, String subscription, String durable,
                                      String shared, String noLocal, String selector) {
        assertEquals(kind, f.header("destinationKind"));
        assertEquals(destination, f.header("destination"));
        assertEquals(subscription, f.header("subscriptionName"));
        assertEquals(durable, f.header("durable"));
        assertEquals(shared, f.header("shared"));
        assertEquals(noLocal, f.header("noLocal"));
        assertEquals(selector, f.header("selector"));
    }

    @Test
    void durableSubscriptionsSurviveTheirConsumerUntilUnsubscribed() throws Exception {
        Connection connection = connect("clientID=c");
        connection.start();
        Session session = connection.createSession();
        Topic topic = session.createTopic("t");
        MessageConsumer durable = session.createDurableConsumer(topic, "sub");
        assertThrows(IllegalStateException.class, () -> session.unsubscribe("sub"), "active consumer");
        durable.close();
        session.createProducer(topic).send(session.createTextMessage("while away"));
        MessageConsumer again = session.createDurableConsumer(topic, "sub");
        assertEquals("while away", ((TextMessage) again.receive(2000)).getText());
        again.close();
        session.unsubscribe("sub");
        assertEquals("sub", broker.requests(RequestCode.UNSUBSCRIBE).get(0).header("subscriptionName"));
        assertThrows(InvalidDestinationException.class, () -> session.unsubscribe("sub"));
        assertThrows(InvalidDestinationException.class, () -> session.createDurableConsumer(topic, ""));
    }

    @Test
    void anUnsharedDurableSubscriptionNeedsAClientId() throws Exception {
        Session session = connect().createSession();
        assertThrows(jakarta.jms.IllegalStateException.class,
                () -> session.createDurableConsumer(session.createTopic("t"), "sub"));
    }

    @Test
    void brokerRefusalsOnConsumerCreation() throws Exception {
        Session session = connect().createSession();
        broker.failNext(RequestCode.CREATE_CONSUMER, ErrorCode.INVALID_SELECTOR, "unknown function");
        assertThrows(InvalidSelectorException.class, () -> session.createConsumer(session.createQueue("q"), "a = 1"));
        broker.failNext(RequestCode.CREATE_CONSUMER, ErrorCode.ILLEGAL_STATE, "active elsewhere");
        assertThrows(IllegalStateException.class, () -> session.createConsumer(session.createQueue("q")));
        broker.failNext(RequestCode.CREATE_CONSUMER, ErrorCode.NOT_FOUND, "no such queue");
        assertThrows(InvalidDestinationException.class, () -> session.createConsumer(session.createQueue("q")));
    }

    @Test
    void domainSpecificSessionsRefuseTheOtherDomain() throws Exception {
        QueueSession queueSession = track(factory().createQueueConnection()).createQueueSession(false,
                Session.AUTO_ACKNOWLEDGE);
        Topic topic = new KeelTopic("t");
        assertThrows(IllegalStateException.class, () -> queueSession.createTopic("t"));
        assertThrows(IllegalStateException.class, queueSession::createTemporaryTopic);
        assertThrows(IllegalStateException.class, () -> queueSession.createDurableSubscriber(topic, "s"));
        assertThrows(IllegalStateException.class, () -> queueSession.createDurableConsumer(topic, "s"));
        assertThrows(IllegalStateException.class, () -> queueSession.createSharedConsumer(topic, "s"));
        assertThrows(IllegalStateException.class, () -> queueSession.createSharedDurableConsumer(topic, "s"));
        assertThrows(IllegalStateException.class, () -> queueSession.unsubscribe("s"));
        queueSession.createReceiver(queueSession.createQueue("q"));

        TopicSession topicSession = track(factory().createTopicConnection()).createTopicSession(false,
                Session.AUTO_ACKNOWLEDGE);
        assertThrows(IllegalStateException.class, () -> topicSession.createBrowser(new KeelQueue("q")));
        assertThrows(IllegalStateException.class, () -> topicSession.createQueue("q"));
        assertThrows(IllegalStateException.class, topicSession::createTemporaryQueue);
        topicSession.createSubscriber(topicSession.createTopic("t"));
    }

    @Test
    void aNonTransactedSessionRefusesCommitAndRollback() throws Exception {
        Session session = connect().createSession(Session.CLIENT_ACKNOWLEDGE);
        assertFalse(session.getTransacted());
        assertEquals(Session.CLIENT_ACKNOWLEDGE, session.getAcknowledgeMode());
        assertThrows(IllegalStateException.class, session::commit);
        assertThrows(IllegalStateException.class, session::rollback);
        assertThrows(JMSException.class, () -> session.setMessageListener(m -> { }));
        assertNull(session.getMessageListener());
    }

    @Test
    void aClosedSessionRefusesEverythingButClose() throws Exception {
        Session session = connect().createSession();
        MessageProducer producer = session.createProducer(session.createQueue("q"));
        session.close();
        session.close();
        assertEquals(1, broker.requests(RequestCode.CLOSE_SESSION).size());
        assertThrows(IllegalStateException.class, session::createMessage);
        assertThrows(IllegalStateException.class, session::recover);
        assertThrows(IllegalStateException.class, () -> session.createConsumer(new KeelQueue("q")));
        assertThrows(IllegalStateException.class, () -> producer.send(new io.keelmq.jms.message.KeelMessage()));
        assertThrows(IllegalStateException.class, () -> session.createTopic("t"));
    }
}
