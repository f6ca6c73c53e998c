package io.keelmq.server.ha;

import io.keelmq.jms.KeelConnectionFactory;
import io.keelmq.jms.KeelSession;
import io.keelmq.jms.KeelTransactionalProducer;
import io.keelmq.jms.KeelXAConnectionFactory;
import io.keelmq.jms.LocalTransactionState;
import io.keelmq.jms.SendStatus;
import io.keelmq.jms.TransactionSendResult;
import io.keelmq.server.testing.BrokerProcess;
import io.keelmq.server.testing.FaultProxy;
import io.keelmq.server.testing.TestXid;
import jakarta.jms.Connection;
import jakarta.jms.JMSException;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import jakarta.jms.XAConnection;
import jakarta.jms.XASession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.transaction.xa.XAException;
import javax.transaction.xa.XAResource;
import javax.transaction.xa.Xid;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Transactions on a SYNC_MASTER (issue 18): a transacted session's COMMIT and an XA branch's PREPARE are answered OK
 * only once the in-sync slave has them, like a send's SEND_OK, so they survive a SIGKILL of the master followed by
 * the slave's start as master; one the slave did not confirm is not answered OK (the commit says it is carried out on
 * the master only; the prepare is rolled back, XA_RBROLLBACK; a transactional producer's half message has the
 * replication status, and is rolled back without running the local transaction).
 */
class TransactionReplicationTest {
    private static final String QUEUE = "ha-tx";

    @TempDir
    Path dir;

    @Test
    void aCommitAndAPrepareAnsweredOkSurviveTheMastersSigkill() throws Exception {
        BrokerProcess master = BrokerProcess.start(dir.resolve("m"), "master", "--brokerRole=SYNC_MASTER");
        BrokerProcess slave = BrokerProcess.start(dir.resolve("s"), "slave", "--brokerRole=SLAVE",
                "--haMasterAddress=" + master.haAddress());
        BrokerProcess promoted = null;
        try {
            ReplicationTest.awaitInSync(master.url());
            try (Connection connection = new KeelConnectionFactory(master.url()).createConnection()) {
                Session session = connection.createSession(true, Session.SESSION_TRANSACTED);
                MessageProducer producer = session.createProducer(session.createQueue(QUEUE));
                for (int i = 0; i < 10; i++) {
                    producer.send(session.createTextMessage("tx-" + i));
                }
                session.commit();
            }
            Xid xid = TestXid.next();
            try (XAConnection connection = new KeelXAConnectionFactory(master.url()).createXAConnection()) {
                assertEquals(XAResource.XA_OK, endedBranchThatSent(connection, xid, "xa-1").prepare(xid));
            }
            master.kill();
            assertEquals(0, slave.stop());

            promoted = BrokerProcess.start(dir.resolve("s"), "promoted");
            try (XAConnection connection = new KeelXAConnectionFactory(promoted.url()).createXAConnection()) {
                XAResource resource = connection.createXASession().getXAResource();
                Xid[] inDoubt = resource.recover(XAResource.TMSTARTRSCAN | XAResource.TMENDRSCAN);
                assertTrue(Arrays.stream(inDoubt).anyMatch(found -> Arrays.equals(found.getGlobalTransactionId(),
                        xid.getGlobalTransactionId())), "the branch prepared on the old master is in doubt on the new");
                resource.commit(xid, false);
            }
            List<String> received = receiveAll(promoted.url());
            List<String> expected = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                expected.add("tx-" + i);
            }
            expected.add("xa-1");
            received.sort(null);
            expected.sort(null);
            assertEquals(expected, received, "every committed message, once (the queue's partitions interleave)");
        } finally {
            for (BrokerProcess process : new BrokerProcess[] {master, slave, promoted}) {
                if (process != null) {
                    process.process().destroyForcibly();
                }
            }
        }
    }

    @Test
    void aCommitOrAPrepareTheSlaveDidNotConfirmIsNotAnsweredOk() throws Exception {
        BrokerProcess master = BrokerProcess.start(dir.resolve("m"), "master", "--brokerRole=SYNC_MASTER",
                "--syncFlushTimeout=1000", "--haHousekeepingInterval=8000");
        BrokerProcess slave = null;
        try (FaultProxy proxy = new FaultProxy(HaTestSupport.toAddress(master.haAddress()))) {
            slave = BrokerProcess.start(dir.resolve("s"), "slave", "--brokerRole=SLAVE",
                    "--haMasterAddress=" + proxy.address(), "--haSendHeartbeatInterval=500");
            ReplicationTest.awaitInSync(master.url());
            proxy.drop();
            try (Connection connection = new KeelConnectionFactory(master.url()).createConnection()) {
                Session session = connection.createSession(true, Session.SESSION_TRANSACTED);
                session.createProducer(session.createQueue(QUEUE)).send(session.createTextMessage("unconfirmed"));
                JMSException refused = assertThrows(JMSException.class, session::commit,
                        "a commit the slave did not confirm was answered OK");
                assertTrue(refused.getMessage().matches("(?s).*carried out on this master.*"
                        + "(FLUSH_SLAVE_TIMEOUT|SLAVE_NOT_AVAILABLE).*"), refused.getMessage());
            }
            Xid xid = TestXid.next();
            try (XAConnection connection = new KeelXAConnectionFactory(master.url()).createXAConnection()) {
                XAResource branch = endedBranchThatSent(connection, xid, "xa-unconfirmed");
                XAException refused = assertThrows(XAException.class, () -> branch.prepare(xid),
                        "a prepare the slave did not confirm was answered XA_OK");
                assertEquals(XAException.XA_RBROLLBACK, refused.errorCode, refused.getMessage());
                assertEquals(0, branch.recover(XAResource.TMSTARTRSCAN | XAResource.TMENDRSCAN).length,
                        "the unconfirmed branch was rolled back, not left in doubt");
            }
            try (Connection connection = new KeelConnectionFactory(master.url()).createConnection()) {
                KeelSession session = (KeelSession) connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
                KeelTransactionalProducer producer = session.createTransactionalProducer(session.createQueue(QUEUE),
                        "orders", message -> LocalTransactionState.COMMIT);
                AtomicBoolean ran = new AtomicBoolean();
                TransactionSendResult result = producer.send(session.createTextMessage("half-unconfirmed"),
                        message -> {
                            ran.set(true);
                            return LocalTransactionState.COMMIT;
                        });
                assertTrue(result.sendStatus() == SendStatus.FLUSH_SLAVE_TIMEOUT
                        || result.sendStatus() == SendStatus.SLAVE_NOT_AVAILABLE, result.toString());
                assertEquals(LocalTransactionState.ROLLBACK, result.localTransactionState(), result.toString());
                assertTrue(result.decided(), "the unconfirmed half is rolled back: " + result);
                assertTrue(!ran.get(), "the local transaction ran for a half its slaves did not confirm");
            }
            // The commit was carried out here; the rolled-back branch and half message were not.
            List<String> received = receiveAll(master.url());
            assertEquals(List.of("unconfirmed"), received);
        } finally {
            master.process().destroyForcibly();
            if (slave != null) {
                slave.process().destroyForcibly();
            }
        }
    }

    /** Everything on the queue, until nothing more comes for 3 s (bounded: at most 60 s in all). */
    private static List<String> receiveAll(String url) throws JMSException {
        List<String> texts = new ArrayList<>();
        long deadline = System.currentTimeMillis() + 60_000;
        try (Connection connection = new KeelConnectionFactory(url).createConnection()) {
            Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
            MessageConsumer consumer = session.createConsumer(session.createQueue(QUEUE));
            connection.start();
            while (System.currentTimeMillis() < deadline) {
                TextMessage message = (TextMessage) consumer.receive(texts.isEmpty() ? 15_000 : 3_000);
                if (message == null) {
                    break;
                }
                texts.add(message.getText());
            }
            assertNull(consumer.receiveNoWait());
        }
        return texts;
    }

    /** A branch of {@code xid} on a new XA session that sent {@code text} to the queue and ended (TMSUCCESS). */
    private static XAResource endedBranchThatSent(XAConnection connection, Xid xid, String text) throws Exception {
        XASession session = connection.createXASession();
        XAResource branch = session.getXAResource();
        branch.start(xid, XAResource.TMNOFLAGS);
        session.getSession().createProducer(session.getSession().createQueue(QUEUE))
                .send(session.getSession().createTextMessage(text));
        branch.end(xid, XAResource.TMSUCCESS);
        return branch;
    }
}
