package io.keelmq.bench.cli;

import io.keelmq.bench.load.ConsumeMode;
import io.keelmq.bench.scenario.BacklogScenario;
import io.keelmq.bench.scenario.Scenario;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "backlog", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Produce --count messages with nobody consuming, then consume them all; the broker JVM's heap "
                + "(used after a full GC, read over JMX) after producing and after consuming.",
                "Target: KeelMQ's heap under 256 MiB for a backlog of 1,000,000 messages."})
final class BacklogCommand extends ScenarioCommand {
    @Option(names = "--producers", defaultValue = "16",
            description = "producers; many, since a synchronous send waits for the disk (default: ${DEFAULT-VALUE})")
    int producers;

    @Option(names = "--consumers", defaultValue = "4", description = "consumers (default: ${DEFAULT-VALUE})")
    int consumers;

    @Option(names = "--count", defaultValue = "1000000", description = "messages in the backlog (default: ${DEFAULT-VALUE})")
    long count;

    @Option(names = "--ack-mode", defaultValue = "auto", description = "how consumers acknowledge: auto, dups-ok, "
            + "client (acknowledge() every 10), transacted (commit every 10) or listener (default: ${DEFAULT-VALUE})")
    String ackMode;

    @Override
    Scenario scenario() {
        Checks.positive("--producers", producers);
        Checks.positive("--consumers", consumers);
        Checks.positive("--count", count);
        return new BacklogScenario(producers, consumers, count, ConsumeMode.parse(ackMode));
    }
}
