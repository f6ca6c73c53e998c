package io.keelmq.jms;

import jakarta.jms.Connection;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageProducer;
import jakarta.jms.Queue;
import jakarta.jms.Session;
import org.junit.jupiter.api.Test;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * pullThresholdForQueue=0: no prefetch. A consumer asks for a message only while the application is ready for one,
 * so competing consumers of a queue share it by readiness: one busy with a message holds no other.
 */
class NoPrefetchTest extends FakeBrokerTestBase {

    private Session startedSession(Connection connection) throws Exception {
        connection.start();
        return connection.createSession(Session.AUTO_ACKNOWLEDGE);
    }

    private void send(Queue queue, int count) throws Exception {
        Session session = connect().createSession(Session.AUTO_ACKNOWLEDGE);
        MessageProducer producer = session.createProducer(queue);
        for (int i = 0; i < count; i++) {
            producer.send(session.createTextMessage("m" + i));
        }
    }

    @Test
    void aConsumerBusyWithAMessageHoldsNoOther() throws Exception {
        Session a = startedSession(connect("pullThresholdForQueue=0"));
        Session b = startedSession(connect("pullThresholdForQueue=0"));
        Queue queue = a.createQueue("q");
        MessageConsumer consumerA = a.createConsumer(queue);
        MessageConsumer consumerB = b.createConsumer(queue);
        send(queue, 3);
        assertNotNull(consumerA.receive(5000));
        // A works on its message; the other two are B's to take, none sits in A's buffer.
        assertNotNull(consumerB.receive(5000));
        assertNotNull(consumerB.receive(5000));
        assertNull(consumerA.receive(300));
    }

    @Test
    void aReceiveThatTimesOutLeavesNothingClaimedForItsConsumer() throws Exception {
        Session a = startedSession(connect("pullThresholdForQueue=0"));
        Session b = startedSession(connect("pullThresholdForQueue=0"));
        Queue queue = a.createQueue("q");
        MessageConsumer consumerA = a.createConsumer(queue);
        MessageConsumer consumerB = b.createConsumer(queue);
        assertNull(consumerA.receive(200));
        send(queue, 1);
        assertNotNull(consumerB.receive(5000), "the pull A's receive held ended with it");
    }

    @Test
    void aBusyListenerHoldsNoOtherMessage() throws Exception {
        Session a = startedSession(connect("pullThresholdForQueue=0"));
        Session b = startedSession(connect("pullThresholdForQueue=0"));
        Queue queue = a.createQueue("q");
        CountDownLatch inOnMessage = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch secondForA = new CountDownLatch(2);
        a.createConsumer(queue).setMessageListener(message -> {
            inOnMessage.countDown();
            secondForA.countDown();
            try {
                release.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        MessageConsumer consumerB = b.createConsumer(queue);
        send(queue, 3);
        assertTrue(inOnMessage.await(5, TimeUnit.SECONDS), "A's listener got a message");
        Message first = consumerB.receive(5000);
        Message second = consumerB.receive(5000);
        release.countDown();
        assertNotNull(first);
        assertNotNull(second, "the busy listener's consumer held no second message");
        send(queue, 1);
        assertTrue(secondForA.await(5, TimeUnit.SECONDS), "an idle listener asks for the next message");
    }
}
