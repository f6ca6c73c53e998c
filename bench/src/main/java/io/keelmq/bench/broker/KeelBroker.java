package io.keelmq.bench.broker;

import io.keelmq.jms.KeelConnectionFactory;
import jakarta.jms.ConnectionFactory;
import jakarta.jms.JMSException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The KeelMQ broker as users run it: {@code java -jar server/target/keel-server.jar} with
 * {@code --listenPort=0} (it prints the port it bound), a temporary {@code storePathRootDir} and the run's
 * {@code flushDiskType}. Everything else keeps the broker's defaults unless {@code --keel-broker-option} says otherwise.
 */
public final class KeelBroker extends ChildJvmBroker implements JmsBroker {
    /** The line {@code io.keelmq.server.Main} prints once it accepts connections. */
    static final String READY_PREFIX = "KeelMQ broker listening on ";

    private KeelBroker(BrokerProcess process) {
        super(process);
    }

    public static KeelBroker start(String name, BrokerSettings settings) throws IOException, InterruptedException {
        Path jar = settings.keelServerJar();
        if (jar == null || !Files.isRegularFile(jar)) {
            throw new IllegalArgumentException("keel-server.jar not found at " + jar + "; build it with "
                    + "`mvn -pl server -am package -DskipTests` from the repository root, or pass --keel-server-jar");
        }
        return new KeelBroker(launch(name, settings, READY_PREFIX, dataDir -> {
            List<String> arguments = new ArrayList<>(List.of(
                    "-jar", jar.toAbsolutePath().toString(),
                    "--listenPort=0",
                    "--storePathRootDir=" + dataDir.resolve("store"),
                    "--flushDiskType=" + settings.flush().keelFlushDiskType()));
            settings.keelBrokerOptions().forEach(option -> arguments.add("--" + option));
            return arguments;
        }));
    }

    @Override
    public BrokerKind kind() {
        return BrokerKind.KEEL;
    }

    @Override
    public ConnectionFactory connectionFactory() throws JMSException {
        return new KeelConnectionFactory("keel://" + address().getHostString() + ":" + address().getPort());
    }
}
