package io.keelmq.server.xa;

import com.arjuna.ats.arjuna.common.ObjectStoreEnvironmentBean;
import com.arjuna.ats.arjuna.common.arjPropertyManager;
import com.arjuna.ats.arjuna.common.recoveryPropertyManager;
import com.arjuna.ats.arjuna.recovery.RecoveryManager;
import com.arjuna.ats.internal.jta.recovery.arjunacore.XARecoveryModule;
import com.arjuna.ats.jta.common.jtaPropertyManager;
import com.arjuna.ats.jta.recovery.XAResourceRecoveryHelper;
import com.arjuna.common.internal.util.propertyservice.BeanPopulator;
import io.keelmq.jms.KeelXAConnectionFactory;
import jakarta.jms.JMSException;
import jakarta.jms.MessageProducer;
import jakarta.jms.XAConnection;
import jakarta.jms.XASession;
import jakarta.transaction.TransactionManager;

import javax.transaction.xa.XAException;
import javax.transaction.xa.XAResource;
import javax.transaction.xa.Xid;
import java.util.ArrayList;
import java.util.List;

/**
 * A transaction manager's process for {@link NarayanaTmCrashTest}: Narayana standalone with its object store in the
 * given directory. {@code commit STORE QUEUE URL...}: one global transaction sending to QUEUE on each broker; once
 * every branch is prepared (Narayana's log written) it prints {@value #PREPARED} and waits to be SIGKILLed before
 * any commit. {@code recover STORE URL...}: Narayana's recovery over the same log until no broker has a prepared
 * branch left, then prints {@value #RECOVERED}.
 */
public final class NarayanaTmProcess {
    static final String PREPARED = "TM-PREPARED";
    static final String RECOVERED = "TM-RECOVERED";
    private static final String NODE = "keel-tm-crash";

    private NarayanaTmProcess() {
    }

    public static void main(String[] args) throws Exception {
        configure(args[1], NODE);
        if ("commit".equals(args[0])) {
            commitAndHang(args[2], List.of(args).subList(3, args.length));
        } else {
            recover(List.of(args).subList(2, args.length));
        }
    }

    /** Narayana standalone: its object store in {@code store}, recovering the Xids of {@code node}. */
    static void configure(String store, String node) throws Exception {
        BeanPopulator.getDefaultInstance(ObjectStoreEnvironmentBean.class).setObjectStoreDir(store);
        BeanPopulator.getNamedInstance(ObjectStoreEnvironmentBean.class, "communicationStore").setObjectStoreDir(store);
        BeanPopulator.getNamedInstance(ObjectStoreEnvironmentBean.class, "stateStore").setObjectStoreDir(store);
        arjPropertyManager.getCoreEnvironmentBean().setNodeIdentifier(node);
        jtaPropertyManager.getJTAEnvironmentBean().setXaRecoveryNodes(List.of(node));
        recoveryPropertyManager.getRecoveryEnvironmentBean().setRecoveryModuleClassNames(List.of(
                "com.arjuna.ats.internal.arjuna.recovery.AtomicActionRecoveryModule",
                "com.arjuna.ats.internal.jta.recovery.arjunacore.XARecoveryModule"));
        recoveryPropertyManager.getRecoveryEnvironmentBean().setRecoveryBackoffPeriod(1);
        recoveryPropertyManager.getRecoveryEnvironmentBean().setPeriodicRecoveryPeriod(3600);
    }

    private static XASession session(String url) throws JMSException {
        XAConnection connection = new KeelXAConnectionFactory(url).createXAConnection();
        return connection.createXASession();
    }

    private static void commitAndHang(String queue, List<String> urls) throws Exception {
        TransactionManager tm = com.arjuna.ats.jta.TransactionManager.transactionManager();
        tm.begin();
        List<XASession> sessions = new ArrayList<>();
        for (String url : urls) {
            XASession session = session(url);
            sessions.add(session);
            XAResource resource = session.getXAResource();
            // The first resource's commit is Narayana's first step after its log record: the process dies there.
            tm.getTransaction().enlistResource(sessions.size() == 1 ? new HangAtCommit(resource) : resource);
        }
        for (XASession session : sessions) {
            try (MessageProducer producer = session.createProducer(session.createQueue(queue))) {
                producer.send(session.createTextMessage("exactly once"));
            }
        }
        tm.commit();
        throw new IllegalStateException("the commit ran to its end; the test meant to kill this process first");
    }

    private static void recover(List<String> urls) throws Exception {
        RecoveryManager manager = RecoveryManager.manager(RecoveryManager.DIRECT_MANAGEMENT);
        manager.initialize();
        XARecoveryModule xaRecovery = null;
        for (var module : manager.getModules()) {
            if (module instanceof XARecoveryModule found) {
                xaRecovery = found;
            }
        }
        if (xaRecovery == null) {
            throw new IllegalStateException("no XARecoveryModule");
        }
        List<XASession> sessions = new ArrayList<>();
        for (String url : urls) {
            sessions.add(session(url));
        }
        xaRecovery.addXAResourceRecoveryHelper(new XAResourceRecoveryHelper() {
            @Override
            public boolean initialise(String p) {
                return true;
            }

            @Override
            public XAResource[] getXAResources() {
                return sessions.stream().map(XASession::getXAResource).toArray(XAResource[]::new);
            }
        });
        long deadline = System.currentTimeMillis() + 60_000;
        while (System.currentTimeMillis() < deadline) {
            manager.scan();
            if (sessions.stream().allMatch(NarayanaTmProcess::nothingPrepared)) {
                System.out.println(RECOVERED);
                System.out.flush();
                System.exit(0);
            }
        }
        throw new IllegalStateException("prepared branches left after 60 s of recovery");
    }

    private static boolean nothingPrepared(XASession session) {
        try {
            return session.getXAResource().recover(XAResource.TMSTARTRSCAN | XAResource.TMENDRSCAN).length == 0;
        } catch (XAException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Signals that Narayana reached its commit phase, then waits for the SIGKILL. */
    private static final class HangAtCommit extends NarayanaXaTest.Recording {
        HangAtCommit(XAResource delegate) {
            super(delegate, "first", new ArrayList<>());
        }

        @Override
        public void commit(Xid xid, boolean onePhase) throws XAException {
            System.out.println(PREPARED);
            System.out.flush();
            try {
                Thread.sleep(Long.MAX_VALUE);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            throw new XAException(XAException.XAER_RMFAIL);
        }
    }
}
