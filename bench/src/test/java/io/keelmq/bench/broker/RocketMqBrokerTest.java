package io.keelmq.bench.broker;

import io.keelmq.bench.load.Load;
import io.keelmq.bench.load.LoadClient;
import io.keelmq.bench.load.LoadResult;
import io.keelmq.bench.load.LoadSpec;
import io.keelmq.bench.load.Quota;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The RocketMQ pair (name server and broker JVMs from bench-rocketmq/target) under a few seconds of the same load
 * loops keel-bench's send and e2e scenarios use, through rocketmq-client in its own class loader: every message a
 * producer got SEND_OK for reaches a consumer exactly once, with a latency recorded for each. No timing is asserted;
 * the bounds are generous because the machine is shared.
 */
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class RocketMqBrokerTest {
    private static final int COUNT = 400;
    private static final Duration IDLE = Duration.ofSeconds(60);
    private static Path root;
    private static RocketMqBroker broker;
    private static final PrintStream QUIET = new PrintStream(new ByteArrayOutputStream());

    @BeforeAll
    static void startRocketMq() throws Exception {
        root = Path.of(System.getProperty("bench.test.dir", "target/smoke")).resolve("rocketmq");
        Files.createDirectories(root);
        Path rocketMqDir = Path.of(System.getProperty("keel.bench.rocketmq.dir", "../bench-rocketmq/target"));
        broker = RocketMqBroker.start("rocketmq-test", new BrokerSettings("256m", FlushMode.SYNC, root.resolve("data"),
                root.resolve("logs"), null, 0, Duration.ofSeconds(180), List.of(), List.of(), rocketMqDir, false));
    }

    @AfterAll
    static void stop() throws Exception {
        if (broker != null) {
            broker.close();
        }
        BrokerProcess.deleteStoppedData();
        try (Stream<Path> left = Files.list(root.resolve("data"))) {
            assertEquals(List.of(), left.toList(), "both RocketMQ JVMs' data directories are deleted");
        }
    }

    @Test
    void sendThenDrainReceivesEveryAcknowledgedMessage() throws Exception {
        LoadClient client = broker.client();
        LoadResult sent = Load.run(client, new LoadSpec("RocketMQ test send", "bench.send")
                .producers(4, Quota.count(COUNT)).messageSize(1024).recordSendLatency(), QUIET);
        assertEquals(COUNT, sent.sent());
        assertEquals(COUNT, sent.sendLatency().getTotalCount());

        LoadResult drained = Load.run(client, new LoadSpec("RocketMQ test drain", "bench.send")
                .consumers(4).expectReceives(sent.sent()).idleTimeout(IDLE), QUIET);
        assertFalse(drained.idleTimedOut(), "the drain waited for messages that never came");
        assertEquals(COUNT, drained.received());
    }

    @Test
    void endToEndReceivesEveryMessageOnceWithItsLatency() throws Exception {
        LoadResult result = Load.run(broker.client(), new LoadSpec("RocketMQ test e2e", "bench.e2e-max")
                .producers(2, Quota.count(COUNT)).consumers(3).messageSize(1024).recordEndToEnd().idleTimeout(IDLE),
                QUIET);
        assertFalse(result.idleTimedOut(), "consumers waited for messages that never came");
        assertEquals(COUNT, result.sent());
        assertEquals(COUNT, result.received());
        assertEquals(COUNT, result.endToEnd().getTotalCount());
    }

    @Test
    void aTransactedLoadIsRefusedWithTheReason() {
        Exception refused = assertThrows(Exception.class, () -> Load.run(broker.client(),
                new LoadSpec("RocketMQ test transacted", "bench.transacted").producers(1, Quota.count(10))
                        .transactedBatch(5), QUIET));
        assertTrue(String.valueOf(refused.getMessage()).contains("not transacted sessions"), refused::toString);
    }
}
