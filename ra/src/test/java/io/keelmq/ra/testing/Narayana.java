package io.keelmq.ra.testing;

import com.arjuna.ats.arjuna.common.ObjectStoreEnvironmentBean;
import com.arjuna.common.internal.util.propertyservice.BeanPopulator;
import jakarta.transaction.TransactionManager;

import java.nio.file.Path;
import java.util.UUID;

/** Narayana as a standalone JTA transaction manager for tests, its object store under target/. */
public final class Narayana {
    private static TransactionManager manager;

    private Narayana() {
    }

    public static synchronized TransactionManager transactionManager() {
        if (manager == null) {
            String store = Path.of("target", "narayana-" + UUID.randomUUID()).toAbsolutePath().toString();
            BeanPopulator.getDefaultInstance(ObjectStoreEnvironmentBean.class).setObjectStoreDir(store);
            BeanPopulator.getNamedInstance(ObjectStoreEnvironmentBean.class, "communicationStore")
                    .setObjectStoreDir(store);
            BeanPopulator.getNamedInstance(ObjectStoreEnvironmentBean.class, "stateStore").setObjectStoreDir(store);
            TransactionManager created = com.arjuna.ats.jta.TransactionManager.transactionManager();
            // Narayana starts its services (transaction status manager, object store) with the first transaction:
            // done here, once, so that no test's bounded wait for a delivery also pays for it.
            long started = System.nanoTime();
            try {
                created.begin();
                created.rollback();
            } catch (Exception e) {
                throw new IllegalStateException("Narayana did not start: " + e, e);
            }
            System.out.printf("Narayana started its services in %d ms%n", (System.nanoTime() - started) / 1_000_000);
            manager = created;
        }
        return manager;
    }
}
