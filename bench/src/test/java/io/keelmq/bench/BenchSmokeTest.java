package io.keelmq.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.keelmq.bench.cli.KeelBenchCommand;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every scenario, a few hundred messages, against both brokers (KeelMQ from server/target/keel-server.jar,
 * Artemis from this class path), through the command line as a user runs it: the run succeeds, every
 * message sent is received and counted in summary.json, and the .hgrm files and plots are written.
 * No timing is asserted: this machine is small and shared.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class BenchSmokeTest {
    private static final int COUNT = 300;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static Path root;

    @BeforeAll
    static void keelServerJarIsBuilt() throws IOException {
        Path jar = Path.of(System.getProperty("keel.server.jar", "../server/target/keel-server.jar"));
        assertTrue(Files.isRegularFile(jar), jar + " is missing: the reactor builds it before bench "
                + "(mvn install -DskipTests from the repository root)");
        root = Path.of(System.getProperty("bench.test.dir", "target/smoke"));
        Files.createDirectories(root);
    }

    @Test
    void send() throws IOException {
        JsonNode summary = run("send", "--producers=4");
        for (JsonNode m : measurements(summary, "send", 2)) {
            assertEquals(COUNT, m.get("sent").asLong(), m::toString);
            assertEquals(COUNT, m.get("received").asLong(), m::toString);
            assertEquals(COUNT, m.get("latencyMs").get("count").asLong(), m::toString);
        }
        assertFiles("send", "send-keelmq.hgrm", "send-artemis.hgrm", "send-keelmq-r1.hgrm", "send-latency.png");
        assertEquals(1, summary.get("ratios").size());
    }

    /**
     * {@code --replicated}: each broker as a pair, and the pairs really replicate: the KeelMQ slave followed its
     * SYNC_MASTER (which answers SEND_OK only once the slave has a message) and the Artemis backup was in sync with its
     * primary (Artemis's isReplicaSync) before any message was sent.
     */
    @Test
    void sendToReplicatedPairs() throws IOException {
        JsonNode summary = runInto("send-replicated", "send", "--producers=4", "--replicated");
        assertEquals("true", summary.get("options").get("--replicated").asText());
        for (JsonNode m : measurements(summary, "send", 2)) {
            assertEquals(COUNT, m.get("sent").asLong(), m::toString);
            assertEquals(COUNT, m.get("received").asLong(), m::toString);
        }
        Path logs = root.resolve("send-replicated").resolve("logs");
        assertTrue(Files.readString(logs.resolve("keelmq-r1-send-slave.log")).contains("HA: following master"),
                "the KeelMQ slave's log does not say it follows its master");
        assertTrue(Files.readString(logs.resolve("artemis-r1-send-backup.log")).contains("Artemis backup in sync with its primary"),
                "the Artemis backup's log does not say it is in sync with its primary");
        assertEquals(2, KeelBenchCommand.execute("send", "--vs=rocketmq", "--replicated",
                "--out=" + root.resolve("replicated-rocketmq")));
    }

    @Test
    void endToEnd() throws IOException {
        JsonNode summary = run("e2e", "--producers=2", "--consumers=2");
        List<JsonNode> all = measurements(summary, null, 4);
        for (JsonNode m : all) {
            assertTrue(m.get("phase").asText().startsWith("e2e-"), m::toString);
            assertEquals(COUNT, m.get("sent").asLong(), m::toString);
            assertEquals(COUNT, m.get("received").asLong(), m::toString);
            assertEquals(COUNT, m.get("latencyMs").get("count").asLong(), m::toString);
        }
        // The constant-rate phase runs at the same rate for both brokers: half of KeelMQ's highest.
        List<String> constantRate = all.stream().filter(m -> m.has("offeredRate"))
                .map(m -> m.get("phase").asText()).toList();
        assertEquals(2, constantRate.size(), constantRate::toString);
        assertEquals(List.of("e2e-half-max"), constantRate.stream().distinct().toList());
        assertEquals(1, all.stream().filter(m -> m.has("offeredRate")).map(m -> m.get("offeredRate").asDouble())
                .distinct().count(), "Artemis runs at KeelMQ's rate");
        assertFiles("e2e", "e2e-max-keelmq.hgrm", "e2e-max-artemis.hgrm", "e2e-max-latency.png");
    }

    @Test
    void backlog() throws IOException {
        JsonNode summary = run("backlog", "--producers=2", "--consumers=2");
        for (JsonNode m : measurements(summary, "backlog-produce", 2)) {
            assertEquals(COUNT, m.get("sent").asLong(), m::toString);
            assertTrue(m.get("heapAfterFullGc").get("usedBytes").asLong() > 0, m::toString);
        }
        for (JsonNode m : measurements(summary, "backlog-consume", 2)) {
            assertEquals(COUNT, m.get("received").asLong(), m::toString);
            assertTrue(m.get("heapAfterFullGc").get("usedBytes").asLong() > 0, m::toString);
        }
        assertEquals("met", summary.get("targets").get(0).get("verdict").asText(), summary.get("targets")::toString);
    }

    /** The acknowledgement modes that are not receive() per message: a listener, and a batch of acknowledge() calls. */
    @Test
    void listenerAndClientAcknowledgeReceiveEveryMessageOnBothBrokers() throws IOException {
        JsonNode e2e = runInto("e2e-listener", "e2e", "--producers=2", "--consumers=2", "--rate=max",
                "--ack-mode=listener");
        for (JsonNode m : measurements(e2e, "e2e-max-listener", 2)) {
            assertEquals(COUNT, m.get("sent").asLong(), m::toString);
            assertEquals(COUNT, m.get("received").asLong(), m::toString);
            assertEquals(COUNT, m.get("latencyMs").get("count").asLong(), m::toString);
        }
        // acknowledge() every 10 messages, whatever split of them each consumer gets: every one received once.
        JsonNode backlog = runInto("backlog-client", "backlog", "--producers=2", "--consumers=2", "--ack-mode=client");
        for (JsonNode m : measurements(backlog, "backlog-consume-client", 2)) {
            assertEquals(COUNT, m.get("received").asLong(), m::toString);
        }
    }

    @Test
    void delay() throws IOException {
        JsonNode summary = run("delay", "--producers=2", "--consumers=2", "--delay=2s");
        for (JsonNode m : measurements(summary, "delay-enqueue", 2)) {
            assertEquals(COUNT, m.get("sent").asLong(), m::toString);
            assertTrue(m.get("heapAfterFullGc").get("usedBytes").asLong() > 0, m::toString);
        }
        for (JsonNode m : measurements(summary, "delay-deliver", 2)) {
            assertEquals(COUNT, m.get("received").asLong(), m::toString);
            assertEquals(COUNT, m.get("latencyMs").get("count").asLong(), m::toString);
        }
        measurements(summary, "delay-baseline", 2);
        assertEquals(2, summary.get("targets").size(), summary.get("targets")::toString);
    }

    @Test
    void transactedRunsOnBothBrokers() throws IOException {
        JsonNode summary = run("transacted", "--producers=2", "--consumers=2", "--batch=10");
        List<JsonNode> all = measurements(summary, "transacted", 2);
        assertEquals(List.of("Artemis", "KeelMQ"), all.stream().map(m -> m.get("broker").asText()).sorted().toList());
        for (JsonNode m : all) {
            assertTrue(m.get("supported").asBoolean(), m::toString);
            assertEquals(COUNT, m.get("sent").asLong(), m::toString);
            assertEquals(COUNT, m.get("received").asLong(), m::toString);
        }
    }

    @Test
    void halfRunsOnBothBrokers() throws IOException {
        JsonNode summary = run("half", "--producers=4");
        List<JsonNode> all = measurements(summary, "half", 2);
        assertEquals(List.of("Artemis", "KeelMQ"), all.stream().map(m -> m.get("broker").asText()).sorted().toList());
        for (JsonNode m : all) {
            assertEquals(COUNT, m.get("sent").asLong(), m::toString);
            assertEquals(COUNT, m.get("received").asLong(), m::toString);
            assertEquals(COUNT, m.get("latencyMs").get("count").asLong(), m::toString);
        }
    }

    @Test
    void helpAndUsageErrors() {
        assertEquals(0, KeelBenchCommand.execute("--help"));
        assertEquals(0, KeelBenchCommand.execute("send", "--help"));
        assertEquals(2, KeelBenchCommand.execute("send", "--producers=0"));
        assertEquals(2, KeelBenchCommand.execute("no-such-scenario"));
        assertEquals(2, KeelBenchCommand.execute("send", "--keel-server-jar=" + root.resolve("missing.jar"),
                "--out=" + root.resolve("missing-jar")));
        // RocketMQ has no JMS client: only send and e2e run on it; the refusal comes before any broker starts.
        assertEquals(2, KeelBenchCommand.execute("backlog", "--vs=rocketmq", "--out=" + root.resolve("backlog-rocketmq")));
        assertEquals(2, KeelBenchCommand.execute("transacted", "--vs=artemis,rocketmq",
                "--out=" + root.resolve("transacted-rocketmq")));
        // RocketMQ's consumers are its own client's: no JMS acknowledgement mode but the default.
        assertEquals(2, KeelBenchCommand.execute("e2e", "--vs=rocketmq", "--ack-mode=listener",
                "--out=" + root.resolve("listener-rocketmq")));
        assertEquals(2, KeelBenchCommand.execute("e2e", "--vs=artemis,rocketmq", "--ack-mode=client",
                "--out=" + root.resolve("client-rocketmq")));
        assertEquals(2, KeelBenchCommand.execute("send", "--vs=none,artemis", "--out=" + root.resolve("none-and")));
        assertEquals(2, KeelBenchCommand.execute("send", "--vs=rocketmq", "--rocketmq-dir=" + root.resolve("missing"),
                "--out=" + root.resolve("missing-rocketmq")));
    }

    /** Runs one scenario, one round, both brokers; returns its summary.json. */
    private static JsonNode run(String scenario, String... extra) throws IOException {
        return runInto(scenario, scenario, extra);
    }

    /** As {@link #run}, its output in {@code directory} under the test's root. */
    private static JsonNode runInto(String directory, String scenario, String... extra) throws IOException {
        Path out = root.resolve(directory);
        List<String> args = new ArrayList<>(List.of(scenario, "--vs=artemis", "--rounds=1", "--count=" + COUNT,
                "--warmup=0", "--disk-probe=100ms", "--xmx=256m", "--start-timeout=180s", "--idle-timeout=60s",
                "--out=" + out, "--data-dir=" + root.resolve("data")));
        args.addAll(List.of(extra));
        assertEquals(0, KeelBenchCommand.execute(args.toArray(String[]::new)), scenario + " failed; see the output");
        JsonNode summary = JSON.readTree(out.resolve("summary.json").toFile());
        assertEquals(scenario, summary.get("scenario").asText());
        try (Stream<Path> left = Files.list(root.resolve("data"))) {
            assertEquals(List.of(), left.filter(p -> p.getFileName().toString().startsWith("keel-bench-")).toList(),
                    "broker data directories are deleted");
        }
        return summary;
    }

    /** The measurements of a phase (all when null), checking how many there are. */
    private static List<JsonNode> measurements(JsonNode summary, String phase, int expected) {
        List<JsonNode> found = new ArrayList<>();
        summary.get("measurements").forEach(m -> {
            if (phase == null || m.get("phase").asText().equals(phase)) {
                found.add(m);
            }
        });
        assertEquals(expected, found.size(), summary.get("measurements")::toString);
        return found;
    }

    private static void assertFiles(String scenario, String... names) {
        for (String name : names) {
            assertTrue(Files.isRegularFile(root.resolve(scenario).resolve(name)), name + " in " + scenario);
        }
    }
}
