package io.keelmq.bench.broker;

import jakarta.jms.ConnectionFactory;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;

import java.io.IOException;
import java.util.List;

/**
 * ActiveMQ Artemis in its own JVM, run by {@link ArtemisLauncher} from this module's class path (the
 * shaded keel-bench.jar, or the test class path), configured in code with KeelMQ's durability.
 * Clients use Artemis's own Jakarta client with its defaults, which block on a durable send until the
 * broker has journalled it, like KeelMQ's synchronous send.
 */
public final class ArtemisBroker extends ChildJvmBroker implements JmsBroker {
    private ArtemisBroker(BrokerProcess process) {
        super(process);
    }

    public static ArtemisBroker start(String name, BrokerSettings settings) throws IOException, InterruptedException {
        String classPath = System.getProperty("java.class.path");
        return new ArtemisBroker(launch(name, settings, ArtemisLauncher.READY_PREFIX, dataDir -> List.of(
                "-cp", classPath,
                ArtemisLauncher.class.getName(),
                "--dir=" + dataDir,
                "--sync=" + (settings.flush() == FlushMode.SYNC),
                "--buffer-timeout-ns=" + settings.artemisBufferTimeoutNanos())));
    }

    @Override
    public BrokerKind kind() {
        return BrokerKind.ARTEMIS;
    }

    @Override
    public ConnectionFactory connectionFactory() {
        return new ActiveMQConnectionFactory("tcp://" + address().getHostString() + ":" + address().getPort());
    }
}
