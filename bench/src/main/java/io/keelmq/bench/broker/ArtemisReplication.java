package io.keelmq.bench.broker;

import org.apache.activemq.artemis.core.config.ClusterConnectionConfiguration;
import org.apache.activemq.artemis.core.config.Configuration;
import org.apache.activemq.artemis.core.config.ha.ReplicaPolicyConfiguration;
import org.apache.activemq.artemis.core.config.ha.ReplicatedPolicyConfiguration;
import org.apache.activemq.artemis.core.server.ActiveMQServer;

import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Artemis's classic shared-nothing replication for keel-bench's {@code --replicated}: a primary
 * ({@link ReplicatedPolicyConfiguration}) and a backup ({@link ReplicaPolicyConfiguration}) that find each other over
 * a static cluster connection on 127.0.0.1. The primary answers a durable send once its own journal has it and the
 * backup has acknowledged the replicated record, the counterpart of KeelMQ's SYNC_MASTER.
 */
final class ArtemisReplication {
    private static final String SELF = "self";
    private static final String PEER = "peer";
    /** What a backup prints once Artemis says it is in sync, before its ready line. */
    static final String IN_SYNC_LINE = "Artemis backup in sync with its primary (ActiveMQServer.isReplicaSync)";

    private ArtemisReplication() {
    }

    static void configure(Configuration config, boolean primary, int port, int peerPort) throws Exception {
        if (port <= 0 || peerPort <= 0) {
            throw new IllegalArgumentException("a replicated pair needs --port and --peer-port");
        }
        config.addConnectorConfiguration(SELF, "tcp://127.0.0.1:" + port);
        config.addConnectorConfiguration(PEER, "tcp://127.0.0.1:" + peerPort);
        config.addClusterConfiguration(new ClusterConnectionConfiguration()
                .setName("keel-bench-pair")
                .setConnectorName(SELF)
                .setStaticConnectors(List.of(PEER))
                .setRetryInterval(100));
        config.setClusterUser("keel-bench");
        config.setClusterPassword("keel-bench");
        config.setHAPolicyConfiguration(primary
                ? new ReplicatedPolicyConfiguration().setCheckForActiveServer(false)
                : new ReplicaPolicyConfiguration().setAllowFailBack(false));
    }

    /** Waits until the backup has the primary's journal and follows it live; the caller then reports ready. */
    static void awaitBackupInSync(ActiveMQServer server, int timeoutSeconds) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutSeconds);
        while (!server.isReplicaSync()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the Artemis backup was not in sync with its primary after "
                        + timeoutSeconds + " s");
            }
            Thread.sleep(50);
        }
        System.out.println(IN_SYNC_LINE);
    }
}
