package io.keelmq.bench.broker;

import io.keelmq.bench.load.LoadClient;

import java.io.IOException;
import java.util.List;

/**
 * Apache RocketMQ 5, as its two server processes: a name server JVM and a broker JVM, both started from
 * bench-rocketmq's launchers and RocketMQ's jars ({@link RocketMqJars}), never from keel-bench's class path. The
 * broker has the run's heap and flush mode (SYNC_FLUSH or ASYNC_FLUSH, RocketMQ's own setting, which KeelMQ's
 * mirrors); the name server, which only routes, gets {@value #NAME_SERVER_XMX}. Everything binds 127.0.0.1: the name
 * server an ephemeral port it reports; the broker a free port chosen here whose {@code port - 2} is free too (RocketMQ
 * opens its "fast remoting"/VIP channel there; the client does not use it, VIP channel off) and a separate free HA
 * port. The heap figures are the broker JVM's. Clients: {@link RocketMqLoadClient}.
 */
public final class RocketMqBroker extends ChildJvmBroker {
    static final String NAME_SERVER_XMX = "256m";
    /** Must match the launchers' ready lines (bench-rocketmq, io.keelmq.bench.rocketmq). */
    static final String NAME_SERVER_READY = "RocketMQ name server listening on ";
    static final String BROKER_READY = "RocketMQ broker listening on ";
    private static final String NAME_SERVER_MAIN = "io.keelmq.bench.rocketmq.RocketMqNameServerLauncher";
    static final String BROKER_MAIN = "io.keelmq.bench.rocketmq.RocketMqBrokerLauncher";
    private static final int PORT_ATTEMPTS = 50;

    private final BrokerProcess nameServer;
    private final RocketMqJars jars;

    private RocketMqBroker(BrokerProcess broker, BrokerProcess nameServer, RocketMqJars jars) {
        super(broker);
        this.nameServer = nameServer;
        this.jars = jars;
    }

    public static RocketMqBroker start(String name, BrokerSettings settings) throws IOException, InterruptedException {
        RocketMqJars jars = RocketMqJars.in(settings.rocketMqDir());
        String classPath = jars.classPath();
        BrokerProcess nameServer = launch(name + "-namesrv", settings.withXmx(NAME_SERVER_XMX), NAME_SERVER_READY,
                dataDir -> List.of("-cp", classPath, NAME_SERVER_MAIN, "--dir=" + dataDir));
        try {
            String nameServerAddress = address(nameServer);
            BrokerProcess broker = launch(name, settings, BROKER_READY, dataDir -> List.of(
                    "-cp", classPath, BROKER_MAIN,
                    "--dir=" + dataDir,
                    "--namesrv=" + nameServerAddress,
                    "--port=" + remotingPort(),
                    "--ha-port=" + FreePort.next(),
                    "--flush=" + settings.flush().keelFlushDiskType()));
            return new RocketMqBroker(broker, nameServer, jars);
        } catch (IOException | InterruptedException | RuntimeException e) {
            nameServer.close();
            throw e;
        }
    }

    /** A free loopback port whose {@code port - 2} is free too, for the broker's fast-remoting server. */
    private static int remotingPort() {
        for (int attempt = 0; attempt < PORT_ATTEMPTS; attempt++) {
            int port = FreePort.next();
            if (port > 1026 && FreePort.isFree(port - 2)) {
                return port;
            }
        }
        throw new IllegalStateException("no free loopback port P with P - 2 free too in " + PORT_ATTEMPTS + " tries");
    }

    private static String address(BrokerProcess process) {
        return process.address().getHostString() + ":" + process.address().getPort();
    }

    @Override
    public BrokerKind kind() {
        return BrokerKind.ROCKETMQ;
    }

    @Override
    public LoadClient client() throws ReflectiveOperationException {
        return new RocketMqLoadClient(jars.clientClassLoader(), address(nameServer),
                address().getHostString() + ":" + address().getPort());
    }

    /** The broker first (it unregisters from the name server), then the name server. */
    @Override
    public void close() {
        try {
            super.close();
        } finally {
            nameServer.close();
        }
    }
}
