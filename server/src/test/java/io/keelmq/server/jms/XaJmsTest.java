package io.keelmq.server.jms;

import io.keelmq.jms.KeelXAConnectionFactory;
import io.keelmq.server.config.BrokerConfig;
import io.keelmq.server.config.ConfigKeys;
import io.keelmq.server.config.DelayLevels;
import io.keelmq.server.testing.TestXid;
import jakarta.jms.Connection;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageProducer;
import jakarta.jms.Queue;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import jakarta.jms.TransactionInProgressException;
import jakarta.jms.TransactionInProgressRuntimeException;
import jakarta.jms.XAConnection;
import jakarta.jms.XAJMSContext;
import jakarta.jms.XASession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

import javax.transaction.xa.XAException;
import javax.transaction.xa.XAResource;
import javax.transaction.xa.Xid;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** XA branches end to end (spec chapter 11): every XAResource call and wrong call against a real broker. */
class XaJmsTest extends JmsTestBase {
    @Override
    BrokerConfig.Builder brokerConfig() {
        return super.brokerConfig().set(ConfigKeys.REDELIVERY_DELAY_LEVELS, DelayLevels.parse("100ms"));
    }

    private XASession xaSession() throws JMSException {
        XAConnection connection = new KeelXAConnectionFactory(url()).createXAConnection();
        track(connection);
        connection.start();
        return connection.createXASession();
    }

    private MessageConsumer plainConsumer(String queue) throws JMSException {
        Connection connection = connection(null);
        connection.start();
        Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
        return session.createConsumer(session.createQueue(queue));
    }

    private static void send(Session session, String queue, String text) throws JMSException {
        Queue destination = session.createQueue(queue);
        try (MessageProducer producer = session.createProducer(destination)) {
            producer.send(session.createTextMessage(text));
        }
    }

    private void sendPlain(String queue, String text) throws JMSException {
        Session session = connection(null).createSession(false, Session.AUTO_ACKNOWLEDGE);
        send(session, queue, text);
    }

    private static String text(Message message) throws JMSException {
        assertNotNull(message, "no message arrived");
        return ((TextMessage) message).getText();
    }

    private static int code(Executable call) {
        return assertThrows(XAException.class, call).errorCode;
    }

    @Test
    void sendsOfABranchAreInvisibleUntilTheTwoPhaseCommit() throws Exception {
        XASession session = xaSession();
        XAResource resource = session.getXAResource();
        Xid xid = TestXid.next();
        resource.start(xid, XAResource.TMNOFLAGS);
        send(session, "xa.2pc", "one");
        resource.end(xid, XAResource.TMSUCCESS);
        MessageConsumer consumer = plainConsumer("xa.2pc");
        assertNull(consumer.receive(300), "visible before prepare");
        assertEquals(XAResource.XA_OK, resource.prepare(xid));
        assertNull(consumer.receive(300), "visible before commit");
        resource.commit(xid, false);
        assertEquals("one", text(consumer.receive(10_000)));
        assertEquals(XAException.XAER_NOTA, code(() -> resource.commit(xid, false)), "decided twice");
    }

    @Test
    void onePhaseCommitWithoutPrepare() throws Exception {
        XASession session = xaSession();
        XAResource resource = session.getXAResource();
        Xid xid = TestXid.next();
        resource.start(xid, XAResource.TMNOFLAGS);
        send(session, "xa.1pc", "one");
        resource.end(xid, XAResource.TMSUCCESS);
        resource.commit(xid, true);
        assertEquals("one", text(plainConsumer("xa.1pc").receive(10_000)));
    }

    @Test
    void rollbackDropsTheSendsAndRedeliversWhatWasConsumed() throws Exception {
        sendPlain("xa.rb", "in");
        XASession session = xaSession();
        XAResource resource = session.getXAResource();
        MessageConsumer consumer = session.createConsumer(session.createQueue("xa.rb"));
        Xid xid = TestXid.next();
        resource.start(xid, XAResource.TMNOFLAGS);
        Message first = consumer.receive(10_000);
        assertEquals("in", text(first));
        assertFalse(first.getJMSRedelivered());
        send(session, "xa.rb.out", "out");
        resource.end(xid, XAResource.TMSUCCESS);
        assertEquals(XAResource.XA_OK, resource.prepare(xid));
        resource.rollback(xid);

        Xid second = TestXid.next();
        resource.start(second, XAResource.TMNOFLAGS);
        Message again = consumer.receive(10_000);
        assertEquals("in", text(again));
        assertTrue(again.getJMSRedelivered());
        assertEquals(2, again.getIntProperty("JMSXDeliveryCount"));
        resource.end(second, XAResource.TMSUCCESS);
        resource.commit(second, true);
        assertNull(plainConsumer("xa.rb.out").receive(300), "a rolled-back send was delivered");
        assertNull(plainConsumer("xa.rb").receive(300), "committed consumption came back");
    }

    @Test
    void consumedMessagesAreAcknowledgedAtCommit() throws Exception {
        sendPlain("xa.ack", "m");
        XASession session = xaSession();
        XAResource resource = session.getXAResource();
        MessageConsumer consumer = session.createConsumer(session.createQueue("xa.ack"));
        Xid xid = TestXid.next();
        resource.start(xid, XAResource.TMNOFLAGS);
        assertEquals("m", text(consumer.receive(10_000)));
        resource.end(xid, XAResource.TMSUCCESS);
        assertEquals(XAResource.XA_OK, resource.prepare(xid), "a branch that only consumed is not read-only");
        resource.commit(xid, false);
        session.close();
        assertNull(plainConsumer("xa.ack").receive(500), "an acknowledged message came back");
    }

    /** A prepared branch whose consuming connection closes: its message stays locked until the decision. */
    private Xid preparedConsumptionThenClose(String queue) throws Exception {
        sendPlain(queue, "held");
        XAConnection connection = new KeelXAConnectionFactory(url()).createXAConnection();
        track(connection);
        connection.start();
        XASession session = connection.createXASession();
        MessageConsumer consumer = session.createConsumer(session.createQueue(queue));
        XAResource resource = session.getXAResource();
        Xid xid = TestXid.next();
        resource.start(xid, XAResource.TMNOFLAGS);
        assertEquals("held", text(consumer.receive(10_000)));
        resource.end(xid, XAResource.TMSUCCESS);
        assertEquals(XAResource.XA_OK, resource.prepare(xid));
        connection.close();
        return xid;
    }

    @Test
    void aPreparedBranchKeepsItsConsumedMessageAfterItsConnectionClosesAndCommitAcknowledgesIt() throws Exception {
        Xid xid = preparedConsumptionThenClose("xa.lock.commit");
        MessageConsumer other = plainConsumer("xa.lock.commit");
        assertNull(other.receive(1000), "released before the transaction manager decided");
        xaSession().getXAResource().commit(xid, false);
        assertNull(other.receive(500), "redelivered after the commit");
    }

    @Test
    void aPreparedBranchKeepsItsConsumedMessageAfterItsConnectionClosesAndRollbackRedeliversIt() throws Exception {
        Xid xid = preparedConsumptionThenClose("xa.lock.rollback");
        MessageConsumer other = plainConsumer("xa.lock.rollback");
        assertNull(other.receive(1000), "released before the transaction manager decided");
        xaSession().getXAResource().rollback(xid);
        Message again = other.receive(10_000);
        assertEquals("held", text(again));
        assertTrue(again.getJMSRedelivered());
    }

    @Test
    void aBranchWithoutWorkIsReadOnlyAndForgotten() throws Exception {
        XAResource resource = xaSession().getXAResource();
        Xid xid = TestXid.next();
        resource.start(xid, XAResource.TMNOFLAGS);
        resource.end(xid, XAResource.TMSUCCESS);
        assertEquals(XAResource.XA_RDONLY, resource.prepare(xid));
        assertEquals(XAException.XAER_NOTA, code(() -> resource.commit(xid, false)));
    }

    @Test
    void suspendResumeAndJoinGatherTheWorkOfSeveralAssociations() throws Exception {
        XASession first = xaSession();
        XASession second = xaSession();
        Xid xid = TestXid.next();
        first.getXAResource().start(xid, XAResource.TMNOFLAGS);
        send(first, "xa.join", "a");
        first.getXAResource().end(xid, XAResource.TMSUSPEND);
        assertEquals(XAException.XAER_PROTO, code(() -> second.getXAResource().start(xid, XAResource.TMJOIN)),
                "a suspended branch is resumed, not joined");
        first.getXAResource().start(xid, XAResource.TMRESUME);
        send(first, "xa.join", "b");
        first.getXAResource().end(xid, XAResource.TMSUCCESS);
        second.getXAResource().start(xid, XAResource.TMJOIN);
        send(second, "xa.join", "c");
        second.getXAResource().end(xid, XAResource.TMSUCCESS);
        assertEquals(XAResource.XA_OK, second.getXAResource().prepare(xid));
        first.getXAResource().commit(xid, false);
        MessageConsumer consumer = plainConsumer("xa.join");
        List<String> texts = new java.util.ArrayList<>();
        for (Message m : drain(consumer, 1000)) {
            texts.add(text(m));
        }
        texts.sort(null); // the three may go to different partitions of the queue
        assertEquals(List.of("a", "b", "c"), texts);
    }

    @Test
    void wrongCallsAnswerTheirXaCodes() throws Exception {
        XASession session = xaSession();
        XAResource resource = session.getXAResource();
        XAResource other = xaSession().getXAResource();
        Xid unknown = TestXid.next();
        assertEquals(XAException.XAER_NOTA, code(() -> resource.commit(unknown, false)));
        assertEquals(XAException.XAER_NOTA, code(() -> resource.prepare(unknown)));
        assertEquals(XAException.XAER_NOTA, code(() -> resource.rollback(unknown)));
        assertEquals(XAException.XAER_NOTA, code(() -> resource.forget(unknown)));
        assertEquals(XAException.XAER_NOTA, code(() -> resource.start(unknown, XAResource.TMJOIN)));
        assertEquals(XAException.XAER_PROTO, code(() -> resource.end(unknown, XAResource.TMSUCCESS)));
        assertEquals(XAException.XAER_INVAL, code(() -> resource.start(unknown, XAResource.TMSUCCESS)));

        Xid xid = TestXid.next();
        resource.start(xid, XAResource.TMNOFLAGS);
        assertEquals(XAException.XAER_DUPID, code(() -> other.start(xid, XAResource.TMNOFLAGS)));
        assertEquals(XAException.XAER_PROTO, code(() -> resource.start(TestXid.next(), XAResource.TMNOFLAGS)),
                "a session is in one branch at a time");
        assertEquals(XAException.XAER_PROTO, code(() -> other.prepare(xid)), "prepare of an active branch");
        assertEquals(XAException.XAER_PROTO, code(() -> other.rollback(xid)), "rollback of an active branch");
        assertThrows(TransactionInProgressException.class, session::commit);
        assertThrows(TransactionInProgressException.class, session::rollback);
        assertTrue(session.getTransacted());
        send(session, "xa.wrong", "x");
        resource.end(xid, XAResource.TMSUCCESS);
        assertEquals(XAException.XAER_PROTO, code(() -> resource.commit(xid, false)), "two-phase without prepare");
        assertEquals(XAResource.XA_OK, resource.prepare(xid));
        assertEquals(XAException.XAER_PROTO, code(() -> resource.commit(xid, true)), "one-phase after prepare");
        assertEquals(XAException.XAER_PROTO, code(() -> resource.forget(xid)), "nothing heuristic to forget");
        resource.rollback(xid);

        Xid failed = TestXid.next();
        resource.start(failed, XAResource.TMNOFLAGS);
        send(session, "xa.wrong", "y");
        resource.end(failed, XAResource.TMFAIL);
        assertEquals(XAException.XA_RBROLLBACK, code(() -> resource.prepare(failed)));
        assertEquals(XAException.XAER_NOTA, code(() -> resource.rollback(failed)), "rolled back already");
        assertNull(plainConsumer("xa.wrong").receive(300));
    }

    @Test
    void preparedBranchesAreRecoveredAfterARestartAndCommitted() throws Exception {
        XASession session = xaSession();
        XAResource resource = session.getXAResource();
        Xid xid = TestXid.next();
        resource.start(xid, XAResource.TMNOFLAGS);
        send(session, "xa.recover", "survivor");
        resource.end(xid, XAResource.TMSUCCESS);
        assertEquals(XAResource.XA_OK, resource.prepare(xid));
        assertEquals(1, resource.recover(XAResource.TMSTARTRSCAN | XAResource.TMENDRSCAN).length);

        restartBroker();
        XAResource after = xaSession().getXAResource();
        assertTrue(after.isSameRM(xaSession().getXAResource()));
        Xid[] prepared = after.recover(XAResource.TMSTARTRSCAN);
        assertEquals(0, after.recover(XAResource.TMENDRSCAN).length);
        assertEquals(1, prepared.length);
        assertEquals(xid.getFormatId(), prepared[0].getFormatId());
        assertArrayEquals(xid.getGlobalTransactionId(), prepared[0].getGlobalTransactionId());
        assertArrayEquals(xid.getBranchQualifier(), prepared[0].getBranchQualifier());
        MessageConsumer consumer = plainConsumer("xa.recover");
        assertNull(consumer.receive(300), "a prepared branch was delivered before its decision");
        after.commit(xid, false);
        assertEquals("survivor", text(consumer.receive(10_000)));
        assertNull(consumer.receive(300));
        assertEquals(0, after.recover(XAResource.TMSTARTRSCAN).length);
    }

    @Test
    void theResourceManagerIdSurvivesARestart() throws Exception {
        XAResource before = xaSession().getXAResource();
        restartBroker();
        XAResource after = xaSession().getXAResource();
        assertTrue(before.isSameRM(before));
        // The first resource's connection is closed by the restart, but its broker id is still the same broker's.
        assertTrue(after.isSameRM(before));
    }

    @Test
    void anUnpreparedBranchPastItsTimeoutIsRolledBackByTheBroker() throws Exception {
        sendPlain("xa.timeout.in", "locked");
        XASession session = xaSession();
        XAResource resource = session.getXAResource();
        MessageConsumer consumer = session.createConsumer(session.createQueue("xa.timeout.in"));
        assertTrue(resource.setTransactionTimeout(1));
        assertEquals(1, resource.getTransactionTimeout());
        Xid xid = TestXid.next();
        resource.start(xid, XAResource.TMNOFLAGS);
        send(session, "xa.timeout", "late");
        assertEquals("locked", text(consumer.receive(10_000)));
        resource.end(xid, XAResource.TMSUCCESS);
        Thread.sleep(2500);
        assertEquals(XAException.XA_RBTIMEOUT, code(() -> resource.prepare(xid)));
        resource.rollback(xid); // the TM's rollback after XA_RB* is answered
        assertNull(plainConsumer("xa.timeout").receive(300), "a timed-out branch's send was delivered");
        // Released by the broker's rollback, back to the session's consumer that still listens.
        Message redelivered = consumer.receive(10_000);
        assertEquals("locked", text(redelivered));
        assertTrue(redelivered.getJMSRedelivered());
    }

    @Test
    void anUnreachableBrokerIsRmFail() throws Exception {
        XAResource resource = xaSession().getXAResource();
        broker.close();
        broker = null;
        assertEquals(XAException.XAER_RMFAIL, code(() -> resource.recover(XAResource.TMSTARTRSCAN)));
        assertEquals(XAException.XAER_RMFAIL, code(() -> resource.commit(TestXid.next(), true)));
    }

    @Test
    void anXaContextWorksThroughItsResourceAndRefusesLocalCommit() throws Exception {
        XAJMSContext context = new KeelXAConnectionFactory(url()).createXAContext();
        try {
            XAResource resource = context.getXAResource();
            Xid xid = TestXid.next();
            resource.start(xid, XAResource.TMNOFLAGS);
            context.createProducer().send(context.createQueue("xa.context"), "ctx");
            assertThrows(TransactionInProgressRuntimeException.class, context::commit);
            assertTrue(context.getTransacted());
            resource.end(xid, XAResource.TMSUCCESS);
            resource.commit(xid, true);
            assertEquals("ctx", text(plainConsumer("xa.context").receive(10_000)));
        } finally {
            context.close();
        }
    }
}
