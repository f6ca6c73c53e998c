package io.keelmq.ra.outbound;

import io.keelmq.ra.testing.TestXid;
import jakarta.jms.JMSException;
import jakarta.jms.MessageConsumer;
import jakarta.jms.Session;
import jakarta.resource.ResourceException;
import jakarta.resource.spi.ManagedConnection;
import org.junit.jupiter.api.Test;

import javax.transaction.xa.XAException;
import javax.transaction.xa.XAResource;
import javax.transaction.xa.Xid;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A transaction manager keeps a managed connection's XAResource for the second phase and for recovery (WildFly's
 * recovery keeps one managed connection across its scans). When the broker dies after prepare and comes back, that
 * same resource, whose connection is gone, still lists the prepared branch and commits or rolls it back; the managed
 * connection itself is out of the pool and refuses handles, so a server's recovery opens a new one.
 */
class RecoveryAfterRestartTest extends OutboundTestBase {


    @Test
    void theResourceOfAConnectionLostAfterPrepareRecoversAndCommitsTheBranch() throws Exception {
        KeelManagedConnection managed = (KeelManagedConnection) managedFactory.createManagedConnection(null, null);
        XAResource resource = managed.getXAResource();
        TestXid committed = TestXid.of("commit-after-restart");
        TestXid rolledBack = TestXid.of("rollback-after-restart");
        prepareSend(managed, resource, committed, "committed after the restart");
        prepareSend(managed, resource, rolledBack, "rolled back after the restart");

        broker.restart();
        awaitBroken(managed);
        assertThrows(ResourceException.class, () -> managed.getConnection(null, null),
                "a lost connection must refuse handles, so the server's recovery replaces it");

        Xid[] found = resource.recover(XAResource.TMSTARTRSCAN | XAResource.TMENDRSCAN);
        assertTrue(committed.in(found) && rolledBack.in(found), "both prepared branches listed after the restart");
        MessageConsumer orders = plainConsumer("orders");
        assertNull(orders.receive(300), "a prepared branch's message is not visible before commit");

        resource.commit(committed, false);
        resource.rollback(rolledBack);
        assertEquals("committed after the restart", text(orders.receive(10_000)));
        assertNull(orders.receive(500), "the rolled-back branch's message is not delivered");
        assertEquals(0, resource.recover(XAResource.TMSTARTRSCAN | XAResource.TMENDRSCAN).length);

        XAException unknown = assertThrows(XAException.class, () -> resource.commit(committed, false));
        assertEquals(XAException.XAER_NOTA, unknown.errorCode, "a decided branch is unknown to the broker");
        managed.destroy();
        assertEquals(0, resource.recover(XAResource.TMSTARTRSCAN | XAResource.TMENDRSCAN).length,
                "a destroyed connection's resource still reaches the broker by a connection of its own");
    }

    @Test
    void aCallOnALostConnectionWhileTheBrokerIsDownIsResourceManagerFailure() throws Exception {
        ManagedConnection managed = managedFactory.createManagedConnection(null, null);
        XAResource resource = managed.getXAResource();
        broker.stop();
        awaitBroken((KeelManagedConnection) managed);
        XAException down = assertThrows(XAException.class,
                () -> resource.recover(XAResource.TMSTARTRSCAN | XAResource.TMENDRSCAN));
        assertEquals(XAException.XAER_RMFAIL, down.errorCode);
        broker.restart();
        assertEquals(0, resource.recover(XAResource.TMSTARTRSCAN | XAResource.TMENDRSCAN).length,
                "the next call after the broker is back reaches it");
        managed.destroy();
    }

    private static void prepareSend(KeelManagedConnection managed, XAResource resource, Xid xid, String text)
            throws JMSException, XAException, ResourceException {
        resource.start(xid, XAResource.TMNOFLAGS);
        Session session = managed.sessionFor(Session.AUTO_ACKNOWLEDGE).session();
        session.createProducer(session.createQueue("orders")).send(session.createTextMessage(text));
        resource.end(xid, XAResource.TMSUCCESS);
        assertEquals(XAResource.XA_OK, resource.prepare(xid));
        managed.cleanup();
    }

    private static void awaitBroken(KeelManagedConnection managed) throws InterruptedException {
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (managed.isUsable() && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertFalse(managed.isUsable(), "the lost connection was not noticed within 30 s");
    }
}
