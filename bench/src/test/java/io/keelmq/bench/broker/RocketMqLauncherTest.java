package io.keelmq.bench.broker;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A RocketMQ broker JVM whose start fails exits at once with the reason, which keel-bench retries on new ports
 * ({@link ChildJvmBroker#launch}), instead of living on silently until the start timeout: RocketMQ's non-daemon
 * thread pools, created before the bind, kept such a JVM alive (a CI run waited 180 s for one and failed). Here the
 * remoting port keel-bench hands the broker is taken, as when another process binds it between the check and the
 * broker's bind.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class RocketMqLauncherTest {
    private static final Duration START_TIMEOUT = Duration.ofSeconds(120);

    @Test
    void aBrokerWhosePortIsTakenExitsNamingTheBindFailure(@TempDir Path dir) throws Exception {
        RocketMqJars jars = RocketMqJars.in(Path.of(System.getProperty("keel.bench.rocketmq.dir",
                "../bench-rocketmq/target")));
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Path data = dir.resolve("data");
            List<String> command = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-Xmx128m", "-cp", jars.classPath(), RocketMqBroker.BROKER_MAIN,
                    "--dir=" + data,
                    // never reached: the broker binds its ports before it registers with a name server
                    "--namesrv=127.0.0.1:" + taken.getLocalPort(),
                    "--port=" + taken.getLocalPort(),
                    "--ha-port=" + FreePort.next(),
                    "--flush=SYNC_FLUSH");

            BrokerProcess.BrokerStartException failed = assertThrows(BrokerProcess.BrokerStartException.class,
                    () -> BrokerProcess.start("rocketmq-port-taken", command, RocketMqBroker.BROKER_READY, data,
                            dir.resolve("broker.log"), 0, START_TIMEOUT));

            assertTrue(failed.exited(), "the broker JVM must exit, not wait out the start timeout: "
                    + failed.getMessage());
            assertTrue(failed.getMessage().contains("Address already in use"),
                    "the reason is quoted from the broker's output: " + failed.getMessage());
        }
    }
}
