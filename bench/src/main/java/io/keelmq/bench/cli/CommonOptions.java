package io.keelmq.bench.cli;

import io.keelmq.bench.BenchRun;
import io.keelmq.bench.broker.BrokerKind;
import io.keelmq.bench.broker.BrokerSettings;
import io.keelmq.bench.broker.FlushMode;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The options every scenario shares: which brokers, how many rounds, the JVMs, durability, output. */
final class CommonOptions {
    /** Set by the build for tests; a run from the repository root finds the jar without it. */
    static final String KEEL_SERVER_JAR_PROPERTY = "keel.server.jar";

    /** Where bench-rocketmq's build output is, for tests; a run from the repository root finds it without it. */
    static final String ROCKETMQ_DIR_PROPERTY = "keel.bench.rocketmq.dir";

    enum Versus {
        none(null), artemis(BrokerKind.ARTEMIS), rocketmq(BrokerKind.ROCKETMQ);

        final BrokerKind broker;

        Versus(BrokerKind broker) {
            this.broker = broker;
        }
    }

    @Option(names = "--vs", defaultValue = "none", split = ",", paramLabel = "BROKER[,BROKER]",
            description = "also run against these brokers, interleaved with KeelMQ in the order given: "
                    + "${COMPLETION-CANDIDATES}, e.g. artemis,rocketmq (default: ${DEFAULT-VALUE}). RocketMQ runs "
                    + "send and e2e only, through its own client (rocketmq-client), not JMS")
    List<Versus> vs;

    @Option(names = "--replicated", description = "each broker as a replicated pair on this machine, clients on the "
            + "master: KeelMQ a SYNC_MASTER with one slave (SEND_OK once the slave has the message), Artemis a "
            + "replicated primary with its backup (a durable send answered once the backup has it); not with rocketmq")
    boolean replicated;

    @Option(names = "--rounds", defaultValue = "2",
            description = "rounds; each runs every broker once on a fresh JVM, KeelMQ first (default: ${DEFAULT-VALUE})")
    int rounds;

    @Option(names = "--flush", defaultValue = "sync",
            description = "sync (KeelMQ SYNC_FLUSH, Artemis journal sync on) or async (ASYNC_FLUSH, journal sync off) "
                    + "(default: ${DEFAULT-VALUE})")
    FlushMode flush;

    @Option(names = "--size", defaultValue = "1024", description = "message body in bytes (default: ${DEFAULT-VALUE})")
    int size;

    @Option(names = "--xmx", defaultValue = "1g", description = "-Xmx of each broker JVM, the same for all "
            + "(default: ${DEFAULT-VALUE})")
    String xmx;

    /**
     * Long enough for the JIT: on 2 cores a fresh broker JVM's C2 compiler stays busy for about 25 s of load
     * (measured with -XX:+LogCompilation), and whatever it compiles meanwhile is measured as latency.
     */
    @Option(names = "--warmup", defaultValue = "30s", converter = DurationConverter.class,
            description = "send and receive on a separate queue for this long before measuring, so that the brokers' "
                    + "JIT compilers are done (default: ${DEFAULT-VALUE})")
    Duration warmup;

    @Option(names = "--broker-jvm-option", paramLabel = "OPTION",
            description = "added to every broker JVM's command line, e.g. -XX:StartFlightRecording=...; repeatable. "
                    + "Both brokers get the same options")
    List<String> brokerJvmOptions;

    @Option(names = "--keel-broker-option", paramLabel = "KEY=VALUE",
            description = "a KeelMQ broker setting, passed as --KEY=VALUE, e.g. messageIndexEnable=false; repeatable. "
                    + "For experiments: a comparison run keeps the defaults")
    List<String> keelBrokerOptions;

    @Option(names = "--out", description = "output folder (default: bench/results/<timestamp>)")
    Path out;

    @Option(names = "--data-dir", description = "where the brokers' temporary data directories go, and where the "
            + "disk is probed (default: the system temp directory)")
    Path dataDir;

    @Option(names = "--keel-server-jar", description = "the KeelMQ broker jar (default: server/target/keel-server.jar "
            + "under the working directory or next to this jar's module)")
    Path keelServerJar;

    @Option(names = "--rocketmq-dir", description = "bench-rocketmq's build output: its classes and "
            + "rocketmq-classpath.txt (default: bench-rocketmq/target under the working directory or next to this "
            + "jar's module)")
    Path rocketMqDir;

    @Option(names = "--disk-probe", defaultValue = "1s", converter = DurationConverter.class,
            description = "how long each of the two raw fsync measurements runs (default: ${DEFAULT-VALUE})")
    Duration diskProbe;

    @Option(names = "--artemis-buffer-timeout-ns", defaultValue = "0",
            description = "Artemis journal-buffer-timeout; 0 = the measured time of one 1 KiB write + force "
                    + "(default: ${DEFAULT-VALUE})")
    long artemisBufferTimeoutNanos;

    @Option(names = "--start-timeout", defaultValue = "90s", converter = DurationConverter.class,
            description = "how long a broker JVM may take to start (default: ${DEFAULT-VALUE})")
    Duration startTimeout;

    @Option(names = "--idle-timeout", defaultValue = "30s", converter = DurationConverter.class,
            description = "consumers give up on missing messages after nothing arrived for this long "
                    + "(default: ${DEFAULT-VALUE})")
    Duration idleTimeout;

    BenchRun.Config toConfig(String commandLine, Map<String, Object> options) {
        if (rounds < 1) {
            throw new IllegalArgumentException("--rounds must be at least 1");
        }
        if (size < 1) {
            throw new IllegalArgumentException("--size must be at least 1 byte");
        }
        if (keelBrokerOptions != null) {
            for (String option : keelBrokerOptions) {
                if (option.indexOf('=') < 1) {
                    throw new IllegalArgumentException("--keel-broker-option wants KEY=VALUE, got '" + option + "'");
                }
            }
        }
        List<BrokerKind> brokers = new ArrayList<>(List.of(BrokerKind.KEEL));
        for (Versus versus : vs) {
            if (versus.broker != null && !brokers.contains(versus.broker)) {
                brokers.add(versus.broker);
            }
        }
        if (vs.contains(Versus.none) && brokers.size() > 1) {
            throw new IllegalArgumentException("--vs none cannot be combined with a broker: " + vs);
        }
        if (replicated && brokers.contains(BrokerKind.ROCKETMQ)) {
            throw new IllegalArgumentException("--replicated runs KeelMQ and Artemis pairs; RocketMQ's master/slave "
                    + "pair is not wired into keel-bench: drop rocketmq from --vs");
        }
        Path output = out != null ? out : BenchRun.defaultOut();
        Path data = dataDir != null ? dataDir : Path.of(System.getProperty("java.io.tmpdir"));
        BrokerSettings settings = new BrokerSettings(xmx, flush, data, output.resolve("logs"), keelServerJar(),
                artemisBufferTimeoutNanos, startTimeout, brokerJvmOptions == null ? List.of() : brokerJvmOptions,
                keelBrokerOptions == null ? List.of() : keelBrokerOptions,
                brokers.contains(BrokerKind.ROCKETMQ) ? rocketMqDir() : null, replicated);
        return new BenchRun.Config(brokers, rounds, settings, output, size, warmup, idleTimeout, diskProbe,
                commandLine, options);
    }

    /** The first that exists of: the option, the build's property, ./server/target, next to bench/target. */
    private Path keelServerJar() {
        return firstExisting(keelServerJar, KEEL_SERVER_JAR_PROPERTY, Path.of("server", "target", "keel-server.jar"),
                Files::isRegularFile);
    }

    /** The same search for bench-rocketmq/target, RocketMQ's launchers and jars. */
    private Path rocketMqDir() {
        return firstExisting(rocketMqDir, ROCKETMQ_DIR_PROPERTY, Path.of("bench-rocketmq", "target"),
                Files::isDirectory);
    }

    /**
     * {@code option} if given; else the first that exists of: the build's system property, {@code fromRoot} under the
     * working directory, {@code fromRoot} next to this jar's module (bench/target/keel-bench.jar or
     * bench/target/classes -> the repository root).
     */
    private static Path firstExisting(Path option, String property, Path fromRoot,
                                      java.util.function.Predicate<Path> exists) {
        if (option != null) {
            return option;
        }
        List<Path> candidates = new ArrayList<>();
        String value = System.getProperty(property);
        if (value != null && !value.isBlank()) {
            candidates.add(Path.of(value));
        }
        candidates.add(fromRoot);
        try {
            Path benchJar = Path.of(CommonOptions.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            candidates.add(benchJar.toAbsolutePath().getParent().getParent().getParent().resolve(fromRoot));
        } catch (Exception e) {
            // No code source (an unusual class loader): the working directory's candidate is the answer.
        }
        return candidates.stream().filter(exists).findFirst().orElse(fromRoot);
    }
}
