package io.keelmq.server.xa;

import io.keelmq.jms.KeelConnectionFactory;
import io.keelmq.jms.KeelXAConnectionFactory;
import io.keelmq.server.testing.BrokerProcess;
import io.keelmq.server.testing.TestXid;
import jakarta.jms.Connection;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import jakarta.jms.XAConnection;
import jakarta.jms.XASession;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.transaction.xa.XAResource;
import javax.transaction.xa.Xid;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A prepared XA branch keeps its locks on what it consumed across a SIGKILL of the broker (a child JVM): after the
 * restart no other consumer receives the message until the transaction manager decides; commit acknowledges it for
 * good (also across a second SIGKILL), rollback redelivers it with the next delivery count, through the redelivery
 * levels to the dead-letter queue.
 */
class XaCrashTest {
    private static final String SYNC = "--flushDiskType=SYNC_FLUSH";

    @TempDir
    Path dir;
    private final List<Connection> connections = new ArrayList<>();
    private BrokerProcess broker;

    @AfterEach
    void stop() throws Exception {
        closeConnections();
        if (broker != null) {
            broker.kill();
        }
    }

    private void closeConnections() {
        for (Connection connection : connections) {
            try {
                connection.close();
            } catch (JMSException | RuntimeException e) {
                // its broker was killed
            }
        }
        connections.clear();
    }

    /** SIGKILL, then a new broker process on the same store. */
    private void killAndRestart(String name, String... args) throws Exception {
        broker.kill();
        closeConnections();
        broker = BrokerProcess.start(dir, name, args);
    }

    private MessageConsumer plainConsumer(String queue) throws JMSException {
        Connection connection = new KeelConnectionFactory(broker.url()).createConnection();
        connections.add(connection);
        connection.start();
        Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
        return session.createConsumer(session.createQueue(queue));
    }

    private XAResource resource() throws JMSException {
        XAConnection connection = new KeelXAConnectionFactory(broker.url()).createXAConnection();
        connections.add(connection);
        return connection.createXASession().getXAResource();
    }

    /** Sends one message, consumes it in a branch and prepares the branch; the consumer stays open. */
    private Xid consumeInAPreparedBranch(String queue, String... args) throws Exception {
        broker = BrokerProcess.start(dir, "first", args);
        Connection sender = new KeelConnectionFactory(broker.url()).createConnection();
        connections.add(sender);
        Session session = sender.createSession(false, Session.AUTO_ACKNOWLEDGE);
        try (MessageProducer producer = session.createProducer(session.createQueue(queue))) {
            producer.send(session.createTextMessage("held"));
        }
        XAConnection connection = new KeelXAConnectionFactory(broker.url()).createXAConnection();
        connections.add(connection);
        connection.start();
        XASession xa = connection.createXASession();
        MessageConsumer consumer = xa.createConsumer(xa.createQueue(queue));
        Xid xid = TestXid.next();
        xa.getXAResource().start(xid, XAResource.TMNOFLAGS);
        Message message = consumer.receive(10_000);
        assertNotNull(message, "the message did not arrive");
        assertEquals(1, message.getIntProperty("JMSXDeliveryCount"));
        xa.getXAResource().end(xid, XAResource.TMSUCCESS);
        assertEquals(XAResource.XA_OK, xa.getXAResource().prepare(xid));
        return xid;
    }

    private static void assertRecovered(XAResource resource, Xid xid) throws Exception {
        Xid[] recovered = resource.recover(XAResource.TMSTARTRSCAN | XAResource.TMENDRSCAN);
        assertEquals(1, recovered.length, "the prepared branch after the restart");
        assertTrue(Arrays.equals(xid.getGlobalTransactionId(), recovered[0].getGlobalTransactionId()));
    }

    /** SIGKILL and restart; another consumer of the queue, which must not receive the branch's message. */
    private MessageConsumer restartAndFindTheMessageLocked(String queue, Xid xid) throws Exception {
        killAndRestart("second", SYNC);
        MessageConsumer other = plainConsumer(queue);
        assertNull(other.receive(2000), "the lock of the prepared branch was lost in the crash");
        assertRecovered(resource(), xid);
        return other;
    }

    @Test
    void aPreparedBranchKeepsItsConsumedMessageAcrossASigkillAndCommitAcknowledgesIt() throws Exception {
        Xid xid = consumeInAPreparedBranch("xa.crash.commit", SYNC);
        MessageConsumer other = restartAndFindTheMessageLocked("xa.crash.commit", xid);
        resource().commit(xid, false);
        assertNull(other.receive(1000), "delivered again after the commit");

        killAndRestart("third", SYNC);
        assertNull(plainConsumer("xa.crash.commit").receive(2000), "delivered again after a crash after the commit");
        assertEquals(0, resource().recover(XAResource.TMSTARTRSCAN | XAResource.TMENDRSCAN).length);
    }

    @Test
    void aPreparedBranchKeepsItsConsumedMessageAcrossASigkillAndRollbackRedeliversIt() throws Exception {
        Xid xid = consumeInAPreparedBranch("xa.crash.rollback", SYNC);
        MessageConsumer other = restartAndFindTheMessageLocked("xa.crash.rollback", xid);
        resource().rollback(xid);
        Message again = other.receive(10_000);
        assertNotNull(again, "not redelivered after the rollback");
        assertEquals("held", ((TextMessage) again).getText());
        assertTrue(again.getJMSRedelivered());
        assertEquals(2, again.getIntProperty("JMSXDeliveryCount"));
    }

    @Test
    void aRollbackAfterTheRestartCountsTheFailedDeliveryTowardsTheDeadLetterQueue() throws Exception {
        Xid xid = consumeInAPreparedBranch("xa.crash.dlq", SYNC, "--maxReconsumeTimes=0");
        killAndRestart("second", SYNC, "--maxReconsumeTimes=0");
        MessageConsumer other = plainConsumer("xa.crash.dlq");
        MessageConsumer deadLetters = plainConsumer("DLQ.xa.crash.dlq");
        resource().rollback(xid);
        Message dead = deadLetters.receive(10_000);
        assertNotNull(dead, "no redelivery left: the message belongs in the dead-letter queue");
        assertEquals("held", ((TextMessage) dead).getText());
        assertNull(other.receive(500), "redelivered beyond maxReconsumeTimes");
    }
}
