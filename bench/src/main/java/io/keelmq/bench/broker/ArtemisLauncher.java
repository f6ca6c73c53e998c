package io.keelmq.bench.broker;

import org.apache.activemq.artemis.core.config.impl.ConfigurationImpl;
import org.apache.activemq.artemis.core.remoting.impl.netty.NettyAcceptor;
import org.apache.activemq.artemis.core.server.JournalType;
import org.apache.activemq.artemis.core.server.embedded.EmbeddedActiveMQ;
import org.apache.activemq.artemis.core.settings.impl.AddressSettings;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

/**
 * The Artemis broker JVM: an {@link EmbeddedActiveMQ} whose configuration is built here in code, so the
 * comparison does not depend on an Artemis installation. Durability matches KeelMQ's: a persistent NIO
 * journal with journal-sync-non-transactional and journal-sync-transactional true (false only for
 * {@code --sync=false}, the counterpart of KeelMQ's ASYNC_FLUSH). The acceptor binds an ephemeral
 * loopback port and the port it got is printed in the ready line; security is off and addresses and
 * queues are auto-created, as the JMS client's queue names need.
 *
 * <p>{@code --buffer-timeout-ns} is the journal's group-commit window. {@code artemis create} sets it
 * from a sync test of the data disk; the benchmark passes the fsync time it measured on the same
 * directory, so Artemis runs as tuned as an installed broker would.
 */
@Command(name = "artemis-launcher", description = "Runs ActiveMQ Artemis for keel-bench (internal).")
public final class ArtemisLauncher implements Callable<Integer> {
    static final String READY_PREFIX = "Artemis broker listening on ";
    private static final String ACCEPTOR = "bench";

    @Option(names = "--dir", required = true, description = "data directory (journal, bindings, paging)")
    private Path dir;

    @Option(names = "--sync", defaultValue = "true", arity = "1",
            description = "journal-sync-non-transactional and journal-sync-transactional")
    private boolean sync;

    @Option(names = "--buffer-timeout-ns", defaultValue = "3333333", description = "journal-buffer-timeout")
    private int bufferTimeoutNanos;

    @Option(names = "--ha", defaultValue = "none", description = "${COMPLETION-CANDIDATES}: alone, or one side of a "
            + "replicated pair (replication-primary / replication-backup with a static cluster connection)")
    private HaRole ha;

    @Option(names = "--port", defaultValue = "0", description = "the acceptor's port (a pair needs them fixed: each "
            + "names the other's)")
    private int port;

    @Option(names = "--peer-port", defaultValue = "0", description = "the other side's acceptor port (--ha only)")
    private int peerPort;

    @Option(names = "--sync-timeout", defaultValue = "120", description = "seconds a backup may take to be in "
            + "sync with its primary before it gives up (--ha=backup)")
    private int syncTimeoutSeconds;

    /** Which side of a replicated pair this JVM is. */
    enum HaRole { none, primary, backup }

    public static void main(String[] args) {
        int exit = new CommandLine(new ArtemisLauncher()).execute(args);
        if (exit != 0) {
            System.exit(exit);
        }
    }

    @Override
    public Integer call() throws Exception {
        ConfigurationImpl config = new ConfigurationImpl();
        config.setName("keel-bench-artemis");
        config.setPersistenceEnabled(true);
        config.setSecurityEnabled(false);
        config.setJournalType(JournalType.NIO);
        config.setJournalDirectory(dir.resolve("journal").toString());
        config.setBindingsDirectory(dir.resolve("bindings").toString());
        config.setPagingDirectory(dir.resolve("paging").toString());
        config.setLargeMessagesDirectory(dir.resolve("large-messages").toString());
        config.setJournalSyncNonTransactional(sync);
        config.setJournalSyncTransactional(sync);
        config.setJournalDatasync(true);
        config.setJournalBufferTimeout_NIO(bufferTimeoutNanos);
        config.addAcceptorConfiguration(ACCEPTOR, "tcp://127.0.0.1:" + port);
        if (ha != HaRole.none) {
            ArtemisReplication.configure(config, ha == HaRole.primary, port, peerPort);
        }
        config.addAddressSetting("#", new AddressSettings()
                .setAutoCreateAddresses(true)
                .setAutoCreateQueues(true));

        EmbeddedActiveMQ server = new EmbeddedActiveMQ();
        server.setConfiguration(config);
        server.start();
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                server.stop();
            } catch (Exception e) {
                e.printStackTrace();
            } finally {
                stopped.countDown();
            }
        }, "artemis-shutdown"));

        int boundPort = port;
        if (ha == HaRole.backup) {
            ArtemisReplication.awaitBackupInSync(server.getActiveMQServer(), syncTimeoutSeconds);
        } else {
            NettyAcceptor acceptor = (NettyAcceptor) server.getActiveMQServer().getRemotingService()
                    .getAcceptor(ACCEPTOR);
            boundPort = acceptor.getActualPort();
        }
        System.out.println(READY_PREFIX + "127.0.0.1:" + boundPort);
        System.out.flush();
        // Artemis's own threads may be daemons; the JVM lives until SIGTERM runs the hook above.
        stopped.await();
        return 0;
    }
}
