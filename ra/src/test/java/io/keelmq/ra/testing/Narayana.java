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
            manager = com.arjuna.ats.jta.TransactionManager.transactionManager();
        }
        return manager;
    }
}
