package io.keelmq.bench;

import io.keelmq.bench.broker.ArtemisBroker;
import io.keelmq.bench.broker.Broker;
import io.keelmq.bench.broker.BrokerKind;
import io.keelmq.bench.broker.BrokerProcess;
import io.keelmq.bench.broker.BrokerSettings;
import io.keelmq.bench.broker.KeelBroker;
import io.keelmq.bench.broker.RocketMqBroker;
import io.keelmq.bench.broker.RocketMqJars;
import io.keelmq.bench.report.ConsoleReport;
import io.keelmq.bench.report.HgrmFiles;
import io.keelmq.bench.report.JsonSummary;
import io.keelmq.bench.report.LatencyPlot;
import io.keelmq.bench.report.Results;
import io.keelmq.bench.report.TargetOutcome;
import io.keelmq.bench.scenario.Measurement;
import io.keelmq.bench.scenario.Scenario;
import io.keelmq.bench.scenario.ScenarioContext;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;

/**
 * One benchmark run: the disk's limit first, then the scenario on a fresh broker JVM per broker and round,
 * interleaved (KeelMQ, Artemis, RocketMQ, KeelMQ, Artemis, RocketMQ, ...) so a machine that gets slower or faster during the
 * run affects both alike; then the summary, the .hgrm files, the plots and summary.json in the output
 * folder.
 */
public final class BenchRun {
    /**
     * @param brokers     KeelMQ, then those of {@code --vs} (Artemis, RocketMQ) in the order given
     * @param broker      shared broker settings; an Artemis buffer timeout of 0 means "from the disk probe"
     * @param commandLine as typed, for the summary
     * @param options     every option's value, for the summary
     */
    public record Config(List<BrokerKind> brokers, int rounds, BrokerSettings broker, Path out, int messageSize,
                         Duration warmup, Duration idleTimeout, Duration diskProbe, String commandLine,
                         Map<String, Object> options) {
    }

    /** What a run produced: the figures, the targets' verdicts and where the files are. */
    public record Outcome(Results results, List<TargetOutcome> targets, Path out, Path summary) {
        /** Every phase with consumers received exactly what was acknowledged to the producers. */
        public boolean everyMessageReceived() {
            return results.all().stream().allMatch(m -> !m.supported() || m.received() < 0
                    || m.received() == m.sent());
        }
    }

    private final Config config;
    private final Scenario scenario;
    private final PrintStream out;
    private final PrintStream progress;

    public BenchRun(Config config, Scenario scenario, PrintStream out, PrintStream progress) {
        this.config = config;
        this.scenario = scenario;
        this.out = out;
        this.progress = progress;
    }

    public Outcome run() throws Exception {
        for (BrokerKind kind : config.brokers()) {
            scenario.refusal(kind).ifPresent(reason -> {
                throw new IllegalArgumentException(reason);
            });
        }
        if (config.brokers().contains(BrokerKind.KEEL) && !Files.isRegularFile(config.broker().keelServerJar())) {
            throw new IllegalArgumentException("keel-server.jar not found at " + config.broker().keelServerJar()
                    + "; build it with `mvn -pl server -am package -DskipTests` from the repository root, "
                    + "or pass --keel-server-jar");
        }
        if (config.brokers().contains(BrokerKind.ROCKETMQ)) {
            RocketMqJars.in(config.broker().rocketMqDir());     // refuses a missing build before any broker starts
        }
        Files.createDirectories(config.out());
        header();
        DiskProbe.Result disk = DiskProbe.measure(config.broker().dataRoot(), config.diskProbe());
        out.printf("disk %s: 1 KiB write + force %,.0f/s; 1 MiB write + force %,.1f MB/s%n",
                disk.directory().toAbsolutePath(), disk.forcesPerSecond(), disk.megabytesPerSecond());
        BrokerSettings settings = withArtemisBufferTimeout(disk);
        if (config.brokers().contains(BrokerKind.ARTEMIS)) {
            out.printf("Artemis journal-buffer-timeout %,d ns (%s)%n", settings.artemisBufferTimeoutNanos(),
                    config.broker().artemisBufferTimeoutNanos() > 0 ? "--artemis-buffer-timeout-ns"
                            : "the disk's time per force, as `artemis create` would set it");
        }
        out.println();

        ConsoleReport report = new ConsoleReport(out);
        Results results = new Results();
        try {
            runRounds(settings, report, results);
        } finally {
            BrokerProcess.deleteStoppedData();      // at the end, not between rounds: see BrokerProcess
        }

        List<TargetOutcome> targets = scenario.targets(results);
        report.summary(results, targets);
        if (!clientsDiffer().isEmpty()) {
            out.println();
            out.println(clientsDiffer());
        }
        HgrmFiles.write(config.out(), results);
        LatencyPlot.write(config.out(), results);
        GitInfo git = GitInfo.ofWorkingDirectory();
        Path summary = JsonSummary.write(config.out().resolve("summary.json"),
                new JsonSummary.RunInfo(LocalDateTime.now().toString(), git.commit(), git.dirty(), config.commandLine(),
                        scenario.name(), scenario.settings(), config.options(), clients(), clientsDiffer()), disk,
                results, targets);
        out.println();
        out.println("results: " + config.out().toAbsolutePath() + " (summary.json, *.hgrm, *-latency.png, logs/)");
        return new Outcome(results, targets, config.out(), summary);
    }

    private void runRounds(BrokerSettings settings, ConsoleReport report, Results results) throws Exception {
        for (int round = 1; round <= config.rounds(); round++) {
            for (BrokerKind kind : config.brokers()) {
                ScenarioContext context = new ScenarioContext(round, config.messageSize(), config.warmup(),
                        config.idleTimeout(), progress);
                String name = kind.label().toLowerCase() + "-r" + round + "-" + scenario.name();
                try (Broker broker = start(kind, name, settings)) {
                    List<Measurement> measurements;
                    try {
                        measurements = scenario.run(broker, context);
                    } catch (Exception e) {
                        throw new IllegalStateException(kind.label() + " round " + round + " failed: " + e.getMessage()
                                + " (broker log: " + broker.log() + ")", e);
                    }
                    for (Measurement measurement : measurements) {
                        results.add(measurement);
                        report.measurement(measurement);
                    }
                }
            }
        }
    }

    private void header() {
        out.printf("keel-bench %s %s: %s; %s, %d round(s), -Xmx%s per broker JVM, %s, %d-byte PERSISTENT messages%n",
                scenario.name(), scenario.settings(), config.commandLine(),
                String.join(" vs ", config.brokers().stream().map(BrokerKind::label).toList()), config.rounds(),
                config.broker().xmx(), config.broker().flush().keelFlushDiskType(), config.messageSize());
        if (config.broker().replicated()) {
            out.println("replicated: KeelMQ SYNC_MASTER + 1 slave, Artemis replicated primary + backup, each pair on "
                    + "this machine; clients on the master/primary");
        }
        out.printf("machine: %d cores, %s %s, %s %s%n", Runtime.getRuntime().availableProcessors(),
                System.getProperty("os.name"), System.getProperty("os.version"), System.getProperty("java.vm.name"),
                System.getProperty("java.version"));
        for (BrokerKind kind : config.brokers()) {
            out.printf("client of %s: %s%n", kind.label(), kind.client());
        }
        if (!clientsDiffer().isEmpty()) {
            out.println(clientsDiffer());
        }
    }

    /**
     * The warning a run with a non-JMS broker carries on the console and in summary.json: the clients differ, so the
     * ratio is of broker plus client, not of brokers alone. Empty when every broker ran through jakarta.jms.
     */
    private String clientsDiffer() {
        List<String> others = config.brokers().stream().filter(kind -> !kind.jms()).map(BrokerKind::label).toList();
        if (others.isEmpty()) {
            return "";
        }
        return "NOTE: the clients differ: " + String.join(" and ", others) + " is driven through its own remoting "
                + "client, KeelMQ through its JMS client; the load loops, message size, counts and histograms are the "
                + "same, so a ratio is of broker and client together, not of the brokers alone.";
    }

    private BrokerSettings withArtemisBufferTimeout(DiskProbe.Result disk) {
        BrokerSettings s = config.broker();
        long timeout = s.artemisBufferTimeoutNanos() > 0 ? s.artemisBufferTimeoutNanos()
                : Math.max(1_000, disk.nanosPerForce());
        return new BrokerSettings(s.xmx(), s.flush(), s.dataRoot(), s.logDir(), s.keelServerJar(), timeout,
                s.startTimeout(), s.extraJvmOptions(), s.keelBrokerOptions(), s.rocketMqDir(), s.replicated());
    }

    private static Broker start(BrokerKind kind, String name, BrokerSettings settings) throws Exception {
        return switch (kind) {
            case KEEL -> KeelBroker.start(name, settings);
            case ARTEMIS -> ArtemisBroker.start(name, settings);
            case ROCKETMQ -> RocketMqBroker.start(name, settings);
        };
    }

    private Map<String, Object> clients() {
        Map<String, Object> clients = new java.util.LinkedHashMap<>();
        config.brokers().forEach(kind -> clients.put(kind.label(), kind.client()));
        return clients;
    }

    /** {@code bench/results/<yyyyMMdd-HHmmss>}, the default output folder. */
    public static Path defaultOut() {
        return Path.of("bench", "results", LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")));
    }
}
