package io.keelmq.server.xa;

import com.arjuna.ats.arjuna.recovery.RecoveryManager;
import com.arjuna.ats.internal.jta.recovery.arjunacore.XARecoveryModule;
import com.arjuna.ats.jta.recovery.XAResourceRecoveryHelper;
import io.keelmq.jms.KeelConnectionFactory;
import io.keelmq.jms.KeelXAConnectionFactory;
import io.keelmq.server.Broker;
import io.keelmq.server.testing.BrokerProcess;
import io.keelmq.server.testing.TestBrokers;
import jakarta.jms.Connection;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import jakarta.jms.XAConnection;
import jakarta.jms.XASession;
import jakarta.transaction.RollbackException;
import jakarta.transaction.Transaction;
import jakarta.transaction.TransactionManager;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.transaction.xa.XAException;
import javax.transaction.xa.XAResource;
import javax.transaction.xa.Xid;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * KeelMQ's XAResource under a real JTA transaction manager (Narayana, standalone; its object store under target/):
 * two brokers in one global transaction, one-phase commit, a timeout, and a broker SIGKILLed after prepare whose
 * branch Narayana's recovery commits after the restart.
 */
class NarayanaXaTest {
    private static final String NODE = "keel-xa-test";

    @TempDir
    Path dir;
    private Broker brokerA;
    private Broker brokerB;
    private final List<Connection> connections = new ArrayList<>();
    private TransactionManager tm;

    @BeforeAll
    static void configureNarayana() throws Exception {
        NarayanaTmProcess.configure(Path.of("target", "narayana-" + UUID.randomUUID()).toAbsolutePath().toString(),
                NODE);
    }

    @BeforeEach
    void start() throws Exception {
        brokerA = Broker.start(TestBrokers.config(dir.resolve("a")).build());
        brokerB = Broker.start(TestBrokers.config(dir.resolve("b")).build());
        tm = com.arjuna.ats.jta.TransactionManager.transactionManager();
    }

    @AfterEach
    void stop() throws Exception {
        if (tm.getTransaction() != null) {
            tm.rollback();
        }
        for (Connection connection : connections) {
            try {
                connection.close();
            } catch (JMSException | RuntimeException e) {
                // broken already
            }
        }
        if (brokerA != null) {
            brokerA.close();
        }
        if (brokerB != null) {
            brokerB.close();
        }
    }

    private static String url(Broker broker) {
        return "keel://127.0.0.1:" + broker.listenAddress().getPort();
    }

    private XASession xaSession(String url) throws JMSException {
        XAConnection connection = new KeelXAConnectionFactory(url).createXAConnection();
        connections.add(connection);
        return connection.createXASession();
    }

    private MessageConsumer consumer(String url, String queue) throws JMSException {
        Connection connection = new KeelConnectionFactory(url).createConnection();
        connections.add(connection);
        connection.start();
        Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
        return session.createConsumer(session.createQueue(queue));
    }

    private static void send(Session session, String queue, String text) throws JMSException {
        try (MessageProducer producer = session.createProducer(session.createQueue(queue))) {
            producer.send(session.createTextMessage(text));
        }
    }

    private static String text(Message message) throws JMSException {
        assertNotNull(message, "no message arrived");
        return ((TextMessage) message).getText();
    }

    @Test
    void twoBrokersCommitTogether() throws Exception {
        XASession a = xaSession(url(brokerA));
        XASession b = xaSession(url(brokerB));
        List<String> calls = Collections.synchronizedList(new ArrayList<>());
        tm.begin();
        Transaction tx = tm.getTransaction();
        assertTrue(tx.enlistResource(new Recording(a.getXAResource(), "a", calls)));
        assertTrue(tx.enlistResource(new Recording(b.getXAResource(), "b", calls)));
        send(a, "narayana.a", "to-a");
        send(b, "narayana.b", "to-b");
        tm.commit();
        assertTrue(calls.contains("a.prepare") && calls.contains("b.prepare"), calls.toString());
        assertTrue(calls.contains("a.commit(false)") && calls.contains("b.commit(false)"), calls.toString());
        assertEquals("to-a", text(consumer(url(brokerA), "narayana.a").receive(10_000)));
        assertEquals("to-b", text(consumer(url(brokerB), "narayana.b").receive(10_000)));
    }

    @Test
    void twoBrokersRollBackTogether() throws Exception {
        XASession a = xaSession(url(brokerA));
        XASession b = xaSession(url(brokerB));
        tm.begin();
        tm.getTransaction().enlistResource(a.getXAResource());
        tm.getTransaction().enlistResource(b.getXAResource());
        send(a, "narayana.rb.a", "to-a");
        send(b, "narayana.rb.b", "to-b");
        tm.rollback();

        tm.begin();
        tm.getTransaction().enlistResource(a.getXAResource());
        tm.getTransaction().enlistResource(b.getXAResource());
        send(a, "narayana.rb.a", "again-a");
        send(b, "narayana.rb.b", "again-b");
        tm.setRollbackOnly();
        assertThrows(RollbackException.class, tm::commit);
        assertNull(consumer(url(brokerA), "narayana.rb.a").receive(500));
        assertNull(consumer(url(brokerB), "narayana.rb.b").receive(500));
    }

    @Test
    void oneResourceIsCommittedInOnePhase() throws Exception {
        XASession a = xaSession(url(brokerA));
        List<String> calls = Collections.synchronizedList(new ArrayList<>());
        tm.begin();
        tm.getTransaction().enlistResource(new Recording(a.getXAResource(), "a", calls));
        send(a, "narayana.1pc", "one");
        tm.commit();
        assertTrue(calls.contains("a.commit(true)") && !calls.contains("a.prepare"), calls.toString());
        assertEquals("one", text(consumer(url(brokerA), "narayana.1pc").receive(10_000)));
    }

    @Test
    void aTransactionPastItsTimeoutIsRolledBack() throws Exception {
        XASession a = xaSession(url(brokerA));
        XASession b = xaSession(url(brokerB));
        tm.setTransactionTimeout(1);
        try {
            tm.begin();
            tm.getTransaction().enlistResource(a.getXAResource());
            tm.getTransaction().enlistResource(b.getXAResource());
            assertEquals(1, a.getXAResource().getTransactionTimeout(), "Narayana passes its timeout to the branch");
            send(a, "narayana.timeout", "late");
            send(b, "narayana.timeout", "late");
            Thread.sleep(2500);
            assertThrows(RollbackException.class, tm::commit);
        } finally {
            tm.setTransactionTimeout(0);
        }
        assertNull(consumer(url(brokerA), "narayana.timeout").receive(500));
        assertNull(consumer(url(brokerB), "narayana.timeout").receive(500));
    }

    /**
     * An H2 database (a file under the test's directory) with one table, through its XADataSource. The one
     * connection handle is taken before any enlistment and kept: H2 rolls back and resets a handle's transaction
     * when another handle of the same XAConnection is taken.
     */
    private record H2(javax.sql.XAConnection xa, java.sql.Connection sql) implements AutoCloseable {
        static H2 open(Path file) throws Exception {
            org.h2.jdbcx.JdbcDataSource source = new org.h2.jdbcx.JdbcDataSource();
            source.setURL("jdbc:h2:" + file.toAbsolutePath());
            source.setUser("sa");
            javax.sql.XAConnection xa = source.getXAConnection();
            H2 db = new H2(xa, xa.getConnection());
            try (java.sql.Statement create = db.sql().createStatement()) {
                create.execute("CREATE TABLE IF NOT EXISTS orders (id VARCHAR(64) PRIMARY KEY)");
            }
            return db;
        }

        int rows(String id) throws Exception {
            try (java.sql.PreparedStatement query = sql.prepareStatement("SELECT COUNT(*) FROM orders WHERE id = ?")) {
                query.setString(1, id);
                try (java.sql.ResultSet result = query.executeQuery()) {
                    result.next();
                    return result.getInt(1);
                }
            }
        }

        @Override
        public void close() throws Exception {
            xa.close();
        }
    }

    /** One global transaction: a row in H2 and a message to KeelMQ, committed or rolled back by Narayana. */
    private void orderWithMessage(H2 db, String id, boolean commit) throws Exception {
        XASession keel = xaSession(url(brokerA));
        tm.begin();
        tm.getTransaction().enlistResource(db.xa().getXAResource());
        tm.getTransaction().enlistResource(keel.getXAResource());
        try (java.sql.PreparedStatement insert = db.sql().prepareStatement("INSERT INTO orders (id) VALUES (?)")) {
            insert.setString(1, id);
            insert.executeUpdate();
        }
        send(keel, "narayana.h2", id);
        if (commit) {
            tm.commit();
        } else {
            tm.rollback();
        }
    }

    @Test
    void aKeelBranchAndAnH2BranchCommitTogether() throws Exception {
        try (H2 db = H2.open(dir.resolve("commit"))) {
            orderWithMessage(db, "order-1", true);
            assertEquals("order-1", text(consumer(url(brokerA), "narayana.h2").receive(10_000)));
            assertEquals(1, db.rows("order-1"), "the database's branch was committed");
        }
    }

    @Test
    void aKeelBranchAndAnH2BranchRollBackTogether() throws Exception {
        try (H2 db = H2.open(dir.resolve("rollback"))) {
            MessageConsumer consumer = consumer(url(brokerA), "narayana.h2");
            orderWithMessage(db, "order-2", false);
            assertNull(consumer.receive(500), "the message of a rolled back transaction");
            assertEquals(0, db.rows("order-2"), "the row of a rolled back transaction");
            // The same pair then commits: neither resource kept a half-done branch.
            orderWithMessage(db, "order-3", true);
            assertEquals("order-3", text(consumer.receive(10_000)));
            assertEquals(1, db.rows("order-3"));
        }
    }

    /**
     * Broker B, a child process, is SIGKILLed between prepare and commit; after its restart Narayana's recovery finds
     * the prepared branch through XAResource.recover and commits it: the message arrives exactly once.
     */
    @Test
    void aBrokerKilledAfterPrepareIsCommittedByRecovery() throws Exception {
        brokerB.close();
        brokerB = null;
        Path storeB = java.nio.file.Files.createDirectories(dir.resolve("child"));
        BrokerProcess first = BrokerProcess.start(storeB, "first", "--flushDiskType=SYNC_FLUSH");
        BrokerProcess[] current = {first};
        try {
            XASession a = xaSession(url(brokerA));
            XASession b = xaSession(first.url());
            XAResource killing = new Recording(b.getXAResource(), "b", new ArrayList<>()) {
                @Override
                public void commit(Xid xid, boolean onePhase) throws XAException {
                    try {
                        first.kill();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    super.commit(xid, onePhase);
                }
            };
            tm.begin();
            tm.getTransaction().enlistResource(a.getXAResource());
            tm.getTransaction().enlistResource(killing);
            send(a, "narayana.crash", "to-a");
            send(b, "narayana.crash", "to-b");
            try {
                tm.commit();
            } catch (Exception e) {
                // Narayana may report the unfinished branch (heuristic) or not; recovery decides it either way.
            }
            assertEquals("to-a", text(consumer(url(brokerA), "narayana.crash").receive(10_000)));

            current[0] = BrokerProcess.start(storeB, "second", "--flushDiskType=SYNC_FLUSH");
            assertEquals(1, xaSession(current[0].url()).getXAResource().recover(XAResource.TMSTARTRSCAN).length,
                    "the prepared branch survived the SIGKILL");
            MessageConsumer consumer = consumer(current[0].url(), "narayana.crash");
            assertNull(consumer.receive(300), "delivered before its decision");
            XARecoveryModule xaRecovery = null;
            RecoveryManager manager = RecoveryManager.manager(RecoveryManager.DIRECT_MANAGEMENT);
            manager.initialize();
            for (var module : manager.getModules()) {
                if (module instanceof XARecoveryModule found) {
                    xaRecovery = found;
                }
            }
            assertNotNull(xaRecovery, "Narayana's XARecoveryModule");
            XAResourceRecoveryHelper helper = new XAResourceRecoveryHelper() {
                @Override
                public boolean initialise(String p) {
                    return true;
                }

                @Override
                public XAResource[] getXAResources() {
                    try {
                        return new XAResource[] {xaSession(current[0].url()).getXAResource()};
                    } catch (JMSException e) {
                        throw new IllegalStateException(e);
                    }
                }
            };
            xaRecovery.addXAResourceRecoveryHelper(helper);
            try {
                Message arrived = null;
                long deadline = System.currentTimeMillis() + 30_000;
                while (arrived == null && System.currentTimeMillis() < deadline) {
                    manager.scan();
                    arrived = consumer.receive(500);
                }
                assertEquals("to-b", text(arrived));
                assertNull(consumer.receive(500), "delivered twice");
                assertEquals(0, xaSession(current[0].url()).getXAResource().recover(XAResource.TMSTARTRSCAN).length);
            } finally {
                xaRecovery.removeXAResourceRecoveryHelper(helper);
            }
        } finally {
            for (Connection connection : connections) {
                try {
                    connection.close();
                } catch (JMSException | RuntimeException e) {
                    // the first broker was killed
                }
            }
            connections.clear();
            current[0].stop();
        }
    }

    /** Passes every call on, noting its name, to see which phases the transaction manager ran. */
    static class Recording implements XAResource {
        private final XAResource delegate;
        private final String name;
        private final List<String> calls;

        Recording(XAResource delegate, String name, List<String> calls) {
            this.delegate = delegate;
            this.name = name;
            this.calls = calls;
        }

        @Override
        public void commit(Xid xid, boolean onePhase) throws XAException {
            calls.add(name + ".commit(" + onePhase + ")");
            delegate.commit(xid, onePhase);
        }

        @Override
        public void end(Xid xid, int flags) throws XAException {
            delegate.end(xid, flags);
        }

        @Override
        public void forget(Xid xid) throws XAException {
            delegate.forget(xid);
        }

        @Override
        public int getTransactionTimeout() throws XAException {
            return delegate.getTransactionTimeout();
        }

        @Override
        public boolean isSameRM(XAResource other) throws XAException {
            return other instanceof Recording that ? delegate.isSameRM(that.delegate) : delegate.isSameRM(other);
        }

        @Override
        public int prepare(Xid xid) throws XAException {
            calls.add(name + ".prepare");
            return delegate.prepare(xid);
        }

        @Override
        public Xid[] recover(int flag) throws XAException {
            return delegate.recover(flag);
        }

        @Override
        public void rollback(Xid xid) throws XAException {
            calls.add(name + ".rollback");
            delegate.rollback(xid);
        }

        @Override
        public boolean setTransactionTimeout(int seconds) throws XAException {
            return delegate.setTransactionTimeout(seconds);
        }

        @Override
        public void start(Xid xid, int flags) throws XAException {
            delegate.start(xid, flags);
        }
    }
}
