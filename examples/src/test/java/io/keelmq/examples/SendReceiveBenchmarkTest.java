package io.keelmq.examples;

import io.keelmq.jms.KeelConnectionFactory;
import io.keelmq.server.Broker;
import io.keelmq.server.config.BrokerConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The benchmark runs end to end and loses nothing; its figures are not checked (timing is not a test). */
class SendReceiveBenchmarkTest {

    @Test
    void everyMessageTheBenchmarkSendsIsReceivedAndMeasured(@TempDir Path dir) throws Exception {
        BrokerConfig config = BrokerConfig.builder()
                .set("listenPort", "0")
                .set("storePathRootDir", dir.toString())
                .set("mappedFileSizeCommitLog", Integer.toString(8 << 20))
                .build();
        try (Broker broker = Broker.start(config)) {
            KeelConnectionFactory factory = new KeelConnectionFactory("keel://127.0.0.1:"
                    + broker.listenAddress().getPort());
            List<BenchmarkRun.Result> results = SendReceiveBenchmark.run(factory, List.of(1, 4), 500, 64);
            assertEquals(2, results.size());
            for (BenchmarkRun.Result result : results) {
                assertTrue(result.sent() > 0, "sent something: " + result);
                assertEquals(result.sent(), result.received(), "every message arrived: " + result);
                assertTrue(result.p50Micros() <= result.p99Micros() && result.p99Micros() <= result.maxMicros(),
                        "percentiles are ordered: " + result);
            }
        }
    }
}
