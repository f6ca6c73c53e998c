package io.keelmq.server.admin;

import io.keelmq.jms.KeelXAConnectionFactory;
import io.keelmq.server.testing.TestXid;
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
import org.junit.jupiter.api.function.Executable;

import javax.transaction.xa.XAException;
import javax.transaction.xa.XAResource;
import javax.transaction.xa.Xid;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code keel-admin transaction list|commit|rollback --xid}: in-doubt XA branches listed with their Xid and age, decided
 * heuristically by an operator with {@code manage} on every destination they touched; the transaction manager's
 * later decision is answered XA_HEURCOM or XA_HEURRB (also after a restart) until it forgets the branch, and
 * XA_RECOVER lists the branch until then.
 */
class AdminXaTransactionTest extends AdminTestBase {
    private final List<XAConnection> xaConnections = new ArrayList<>();

    @AfterEach
    void closeXa() {
        for (XAConnection connection : xaConnections) {
            try {
                connection.close();
            } catch (JMSException | RuntimeException e) {
                // closed by a restart
            }
        }
    }

    private XASession xaSession() throws JMSException {
        XAConnection connection = new KeelXAConnectionFactory(url()).createXAConnection("carol", "carol-pw");
        xaConnections.add(connection);
        connection.start();
        return connection.createXASession();
    }

    private MessageConsumer consumer(String queue) throws Exception {
        var connection = connection(null);
        connection.start();
        Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
        return session.createConsumer(session.createQueue(queue));
    }

    private void sendPlain(String queue, String text) throws Exception {
        Session session = connection(null).createSession(false, Session.AUTO_ACKNOWLEDGE);
        try (MessageProducer producer = session.createProducer(session.createQueue(queue))) {
            producer.send(session.createTextMessage(text));
        }
    }

    /** A prepared branch that sends {@code text} to {@code sendTo} and, if {@code consumeFrom} is given, consumes one. */
    private TestXid prepared(String sendTo, String text, String consumeFrom) throws Exception {
        XASession session = xaSession();
        XAResource resource = session.getXAResource();
        MessageConsumer consumer = consumeFrom == null ? null : session.createConsumer(session.createQueue(consumeFrom));
        TestXid xid = TestXid.next();
        resource.start(xid, XAResource.TMNOFLAGS);
        try (MessageProducer producer = session.createProducer(session.createQueue(sendTo))) {
            producer.send(session.createTextMessage(text));
        }
        if (consumer != null) {
            assertNotNull(consumer.receive(10_000), "nothing to consume in the branch");
        }
        resource.end(xid, XAResource.TMSUCCESS);
        assertEquals(XAResource.XA_OK, resource.prepare(xid));
        if (consumer != null) {
            // As a server does when the application's work is done; a redelivery then goes to the other consumers.
            consumer.close();
        }
        return xid;
    }

    private static int code(Executable call) {
        return assertThrows(XAException.class, call).errorCode;
    }

    private static boolean listed(XAResource resource, Xid xid) throws XAException {
        for (Xid found : resource.recover(XAResource.TMSTARTRSCAN | XAResource.TMENDRSCAN)) {
            if (java.util.Arrays.equals(found.getGlobalTransactionId(), xid.getGlobalTransactionId())) {
                return true;
            }
        }
        return false;
    }

    @Test
    void aHeuristicCommitDeliversAndIsReportedToTheTransactionManagerUntilItForgets() throws Exception {
        TestXid xid = prepared("orders.xa", "order", null);
        String listed = admin("transaction", "list");
        assertTrue(listed.contains("XA") && listed.contains(xid.text()) && listed.contains("PREPARED")
                && listed.contains("queue://orders.xa") && listed.contains("AGE"), listed);

        assertEquals(1, runAs("dave", "transaction", "commit", "--xid", xid.text()));
        assertTrue(errors().contains("manage"), errors());
        MessageConsumer consumer = consumer("orders.xa");
        assertNull(consumer.receive(300), "delivered before any decision");

        // olga manages orders.#: every destination of this branch.
        assertEquals(0, runAs("olga", "transaction", "commit", "--xid", xid.text()));
        assertTrue(out.toString().contains("HEURISTIC_COMMITTED"), out.toString());
        assertEquals("order", ((TextMessage) consumer.receive(10_000)).getText());
        assertTrue(admin("transaction", "list").contains("HEURISTIC_COMMITTED"));
        assertTrue(admin("transaction", "commit", "--xid", xid.text()).contains("HEURISTIC_COMMITTED"),
                "the same decision again answers the outcome");
        assertEquals(1, runAs("carol", "transaction", "rollback", "--xid", xid.text()));
        assertTrue(errors().contains("HEURISTIC_COMMITTED"), errors());

        XAResource tm = xaSession().getXAResource();
        assertEquals(XAException.XA_HEURCOM, code(() -> tm.commit(xid, false)));
        assertEquals(XAException.XA_HEURCOM, code(() -> tm.rollback(xid)), "a mismatch: rollback of a committed one");
        assertEquals(XAException.XAER_PROTO, code(() -> tm.prepare(xid)));
        assertTrue(listed(tm, xid), "XA_RECOVER lists a heuristically completed branch");

        restartBroker();
        XAResource after = xaSession().getXAResource();
        assertTrue(listed(after, xid), "the heuristic outcome is remembered across a restart");
        assertEquals(XAException.XA_HEURCOM, code(() -> after.commit(xid, false)));
        assertTrue(admin("transaction", "list").contains("HEURISTIC_COMMITTED"));
        after.forget(xid);
        assertFalse(listed(after, xid));
        assertEquals(XAException.XAER_NOTA, code(() -> after.commit(xid, false)));
        assertEquals(XAException.XAER_NOTA, code(() -> after.forget(xid)));
        assertFalse(admin("transaction", "list").contains(xid.text()));
        assertNull(consumer("orders.xa").receive(500), "delivered twice");

        restartBroker();
        assertFalse(listed(xaSession().getXAResource(), xid), "forgotten for good");
    }

    @Test
    void aHeuristicRollbackDropsTheSendsRedeliversTheConsumedAndAnswersHeurRb() throws Exception {
        sendPlain("audit.in", "input");
        TestXid xid = prepared("audit.out", "output", "audit.in");
        assertEquals(0, runAs("olga", "transaction", "list"));
        assertFalse(out.toString().contains(xid.text()), "olga may not manage audit.*");
        assertEquals(1, runAs("olga", "transaction", "rollback", "--xid", xid.text()));
        assertTrue(errors().contains("SECURITY"), errors());

        String listed = admin("transaction", "list");
        assertTrue(listed.contains("queue://audit.out") && listed.contains("queue://audit.in"), listed);
        assertTrue(admin("transaction", "rollback", "--xid", xid.text()).contains("HEURISTIC_ROLLED_BACK"));
        Message again = consumer("audit.in").receive(10_000);
        assertNotNull(again, "the consumed message was not redelivered");
        assertTrue(again.getJMSRedelivered());
        assertNull(consumer("audit.out").receive(500), "a heuristically rolled back send was delivered");

        XAResource tm = xaSession().getXAResource();
        assertEquals(XAException.XA_HEURRB, code(() -> tm.commit(xid, false)), "a mismatch: commit of a rolled back one");
        assertEquals(XAException.XA_HEURRB, code(() -> tm.rollback(xid)));
        restartBroker();
        XAResource after = xaSession().getXAResource();
        assertEquals(XAException.XA_HEURRB, code(() -> after.rollback(xid)));
        after.forget(xid);
        assertFalse(listed(after, xid));
    }

    @Test
    void badOrUnknownXidsAreRefusedWithAClearError() throws Exception {
        assertEquals(1, runAs("carol", "transaction", "commit", "--xid", "not-an-xid"));
        assertTrue(errors().contains("FORMATID:GTRID_HEX:BQUAL_HEX"), errors());
        assertEquals(1, runAs("carol", "transaction", "rollback", "--xid", "1:abcd:01"));
        assertTrue(errors().contains("not an in-doubt branch"), errors());
        assertEquals(2, runAs("carol", "transaction", "commit", "--xid", "1:ab:01", "--id", "tx-1"));
        // An unprepared (active) branch is the transaction manager's, not in doubt.
        XASession session = xaSession();
        TestXid active = TestXid.next();
        session.getXAResource().start(active, XAResource.TMNOFLAGS);
        assertEquals(1, runAs("carol", "transaction", "commit", "--xid", active.text()));
        assertTrue(errors().contains("only a prepared branch"), errors());
        session.getXAResource().end(active, XAResource.TMSUCCESS);
        session.getXAResource().rollback(active);
    }
}
