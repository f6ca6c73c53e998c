package io.keelmq.bench.broker;

import io.keelmq.jms.KeelConnectionFactory;
import io.keelmq.jms.SendStatusException;
import jakarta.jms.Connection;
import jakarta.jms.ConnectionFactory;
import jakarta.jms.JMSException;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The KeelMQ broker as users run it: {@code java -jar server/target/keel-server.jar} with
 * {@code --listenPort=0} (it prints the port it bound), a temporary {@code storePathRootDir} and the run's
 * {@code flushDiskType}. Everything else keeps the broker's defaults unless {@code --keel-broker-option} says otherwise.
 *
 * <p>Replicated ({@link BrokerSettings#replicated()}): the master runs {@code brokerRole=SYNC_MASTER} with an HA port
 * chosen here and a second JVM {@code brokerRole=SLAVE} follows it; the options apply to both, the heap figures and
 * the clients are the master's. The pair is ready once a persistent probe send is answered SEND_OK, which a
 * SYNC_MASTER gives only when its slave has the message.
 */
public final class KeelBroker extends ChildJvmBroker implements JmsBroker {
    /** The line {@code io.keelmq.server.Main} prints once it accepts connections. */
    static final String READY_PREFIX = "KeelMQ broker listening on ";
    /** Where the replicated pair's readiness probe goes; no scenario uses it. */
    static final String PROBE_QUEUE = "keel-bench.replication-probe";

    private final BrokerProcess slave;

    private KeelBroker(BrokerProcess master, BrokerProcess slave) {
        super(master);
        this.slave = slave;
    }

    public static KeelBroker start(String name, BrokerSettings settings) throws IOException, InterruptedException {
        Path jar = settings.keelServerJar();
        if (jar == null || !Files.isRegularFile(jar)) {
            throw new IllegalArgumentException("keel-server.jar not found at " + jar + "; build it with "
                    + "`mvn -pl server -am package -DskipTests` from the repository root, or pass --keel-server-jar");
        }
        if (!settings.replicated()) {
            return new KeelBroker(launch(name, settings, READY_PREFIX, dataDir -> arguments(jar, settings, dataDir,
                    List.of())), null);
        }
        int haPort = FreePort.next();
        BrokerProcess master = launch(name, settings, READY_PREFIX, dataDir -> arguments(jar, settings, dataDir,
                List.of("--brokerRole=SYNC_MASTER", "--haListenPort=" + haPort)));
        BrokerProcess slave = null;
        try {
            slave = launch(name + "-slave", settings, READY_PREFIX, dataDir -> arguments(jar, settings, dataDir,
                    List.of("--brokerRole=SLAVE", "--haMasterAddress=127.0.0.1:" + haPort)));
            KeelBroker pair = new KeelBroker(master, slave);
            pair.awaitSlaveInSync(settings.startTimeout());
            return pair;
        } catch (IOException | InterruptedException | RuntimeException e) {
            master.close();
            if (slave != null) {
                slave.close();
            }
            throw e;
        }
    }

    private static List<String> arguments(Path jar, BrokerSettings settings, Path dataDir, List<String> role) {
        List<String> arguments = new ArrayList<>(List.of(
                "-jar", jar.toAbsolutePath().toString(),
                "--listenPort=0",
                "--storePathRootDir=" + dataDir.resolve("store"),
                "--flushDiskType=" + settings.flush().keelFlushDiskType()));
        arguments.addAll(role);
        settings.keelBrokerOptions().forEach(option -> arguments.add("--" + option));
        return arguments;
    }

    /** Sends persistent probes until one is answered SEND_OK: the slave is connected and in sync. */
    private void awaitSlaveInSync(Duration timeout) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        String last = "no answer";
        while (System.nanoTime() < deadline) {
            try (Connection connection = connectionFactory().createConnection()) {
                Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
                MessageProducer producer = session.createProducer(session.createQueue(PROBE_QUEUE));
                producer.send(session.createTextMessage("is the slave in sync?"));
                return;
            } catch (SendStatusException e) {
                last = e.getMessage();
            } catch (JMSException e) {
                last = e.toString();
            }
            Thread.sleep(100);
        }
        throw new IOException("the KeelMQ slave did not get in sync with its SYNC_MASTER within " + timeout
                + ": the last probe send got " + last + " (logs: " + log() + ", " + slave.log() + ")");
    }

    @Override
    public BrokerKind kind() {
        return BrokerKind.KEEL;
    }

    @Override
    public ConnectionFactory connectionFactory() throws JMSException {
        return new KeelConnectionFactory("keel://" + address().getHostString() + ":" + address().getPort());
    }

    @Override
    public void close() {
        try {
            super.close();
        } finally {
            if (slave != null) {
                slave.close();
            }
        }
    }
}
