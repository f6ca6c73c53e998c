package io.keelmq.ra.inbound;

import io.keelmq.jms.KeelXAConnectionFactory;
import io.keelmq.ra.testing.TestXid;
import jakarta.jms.Session;
import jakarta.jms.XAConnection;
import jakarta.jms.XASession;
import jakarta.resource.spi.ActivationSpec;
import org.junit.jupiter.api.Test;

import javax.transaction.xa.XAException;
import javax.transaction.xa.XAResource;
import javax.transaction.xa.Xid;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * getXAResources: the transaction manager's recovery finds a branch prepared before a broker restart and commits
 * it through the adapter's resource, which reconnects by itself after the restart.
 */
class RecoveryTest extends InboundTestBase {


    @Test
    void aBranchPreparedBeforeARestartIsFoundAndCommittedThroughTheAdaptersResource() throws Exception {
        XAResource[] recovery = adapter.getXAResources(new ActivationSpec[]{queueSpec("orders", 1)});
        assertEquals(1, recovery.length);
        assertEquals(0, recovery[0].recover(XAResource.TMSTARTRSCAN | XAResource.TMENDRSCAN).length);

        TestXid xid = TestXid.of("in-doubt-1");
        try (XAConnection connection = new KeelXAConnectionFactory(broker.url()).createXAConnection()) {
            XASession session = connection.createXASession();
            XAResource branch = session.getXAResource();
            branch.start(xid, XAResource.TMNOFLAGS);
            Session work = session.getSession();
            work.createProducer(work.createQueue("orders")).send(work.createTextMessage("in doubt"));
            branch.end(xid, XAResource.TMSUCCESS);
            assertEquals(XAResource.XA_OK, branch.prepare(xid));
        }
        broker.restart();

        Xid[] found = recoverWithin(recovery[0], 30_000);
        assertTrue(xid.in(found), "the prepared branch was not recovered");
        jakarta.jms.MessageConsumer consumer = plainConsumer("orders");
        assertNull(consumer.receive(300), "a prepared branch's message is visible");
        recovery[0].commit(xid, false);
        assertEquals("in doubt", Texts.of(consumer.receive(10_000)));
        assertEquals(0, recovery[0].recover(XAResource.TMSTARTRSCAN | XAResource.TMENDRSCAN).length);
    }

    @Test
    void aTransactionManagerAskingAgainAndAgainGetsTheSameResourcePerBrokerAndUser() throws Exception {
        KeelActivationSpec orders = queueSpec("orders", 1);
        KeelActivationSpec invoices = queueSpec("invoices", 2);
        XAResource[] first = adapter.getXAResources(new ActivationSpec[]{orders, invoices});
        for (int scan = 0; scan < 20; scan++) {
            XAResource[] again = adapter.getXAResources(new ActivationSpec[]{orders, invoices});
            assertEquals(1, again.length, "two specs for one broker and user need one recovery resource");
            assertSame(first[0], again[0], "a scan got a new recovery resource (and a new connection)");
        }
        KeelActivationSpec otherUser = queueSpec("orders", 1);
        otherUser.setUser("auditor");
        otherUser.setPassword("secret");
        XAResource[] both = adapter.getXAResources(new ActivationSpec[]{orders, otherUser});
        assertEquals(2, both.length, "another user is another recovery connection");
        assertSame(first[0], both[0]);
    }

    @Test
    void recoveryReachesTheBrokerWhileADurableActivationHoldsItsClientId() throws Exception {
        KeelActivationSpec spec = queueSpec("alerts", 1);
        spec.setDestinationType(KeelActivationSpec.TOPIC);
        spec.setSubscriptionDurability(KeelActivationSpec.DURABLE);
        spec.setSubscriptionName("alerting");
        spec.setClientId("alert-mdb");
        activate(spec, new RecordingBean(), true);
        awaitSessions(1);
        XAResource[] recovery = adapter.getXAResources(new ActivationSpec[]{spec});
        assertEquals(0, recovery[0].recover(XAResource.TMSTARTRSCAN | XAResource.TMENDRSCAN).length,
                "the recovery connection must not take (or be refused) the activation's client id");
    }

    /** The first scan after a restart may meet the old connection (XAER_RMFAIL); the next one reconnects. */
    private static Xid[] recoverWithin(XAResource resource, long millis) throws Exception {
        long deadline = System.currentTimeMillis() + millis;
        while (true) {
            try {
                return resource.recover(XAResource.TMSTARTRSCAN | XAResource.TMENDRSCAN);
            } catch (XAException e) {
                if (e.errorCode != XAException.XAER_RMFAIL || System.currentTimeMillis() > deadline) {
                    throw e;
                }
                Thread.sleep(100);
            }
        }
    }
}
