package io.keelmq.bench.broker;

import jakarta.jms.ConnectionFactory;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * ActiveMQ Artemis in its own JVM, run by {@link ArtemisLauncher} from this module's class path (the
 * shaded keel-bench.jar, or the test class path), configured in code with KeelMQ's durability.
 * Clients use Artemis's own Jakarta client with its defaults, which block on a durable send until the
 * broker has journalled it, like KeelMQ's synchronous send.
 *
 * <p>Replicated ({@link BrokerSettings#replicated()}): a primary and a backup JVM ({@link ArtemisReplication}) on ports
 * chosen here; the backup is ready once it is in sync. The heap figures and the clients are the primary's.
 */
public final class ArtemisBroker extends ChildJvmBroker implements JmsBroker {
    private final BrokerProcess backup;

    private ArtemisBroker(BrokerProcess primary, BrokerProcess backup) {
        super(primary);
        this.backup = backup;
    }

    public static ArtemisBroker start(String name, BrokerSettings settings) throws IOException, InterruptedException {
        if (!settings.replicated()) {
            return new ArtemisBroker(launch(name, settings, ArtemisLauncher.READY_PREFIX, dataDir -> arguments(
                    settings, dataDir, List.of())), null);
        }
        int primaryPort = FreePort.next();
        int backupPort = FreePort.next();
        BrokerProcess primary = launch(name, settings, ArtemisLauncher.READY_PREFIX, dataDir -> arguments(settings,
                dataDir, List.of("--ha=primary", "--port=" + primaryPort, "--peer-port=" + backupPort)));
        try {
            BrokerProcess backup = launch(name + "-backup", settings, ArtemisLauncher.READY_PREFIX,
                    dataDir -> arguments(settings, dataDir, List.of("--ha=backup", "--port=" + backupPort,
                            "--peer-port=" + primaryPort,
                            "--sync-timeout=" + Math.max(1, settings.startTimeout().toSeconds()))));
            return new ArtemisBroker(primary, backup);
        } catch (IOException | InterruptedException | RuntimeException e) {
            primary.close();
            throw e;
        }
    }

    private static List<String> arguments(BrokerSettings settings, java.nio.file.Path dataDir, List<String> ha) {
        List<String> arguments = new ArrayList<>(List.of(
                "-cp", System.getProperty("java.class.path"),
                ArtemisLauncher.class.getName(),
                "--dir=" + dataDir,
                "--sync=" + (settings.flush() == FlushMode.SYNC),
                "--buffer-timeout-ns=" + settings.artemisBufferTimeoutNanos()));
        arguments.addAll(ha);
        return arguments;
    }

    @Override
    public BrokerKind kind() {
        return BrokerKind.ARTEMIS;
    }

    @Override
    public ConnectionFactory connectionFactory() {
        return new ActiveMQConnectionFactory("tcp://" + address().getHostString() + ":" + address().getPort());
    }

    /** The backup first, so the primary's end does not make it take over and write. */
    @Override
    public void close() {
        try {
            if (backup != null) {
                backup.close();
            }
        } finally {
            super.close();
        }
    }
}
