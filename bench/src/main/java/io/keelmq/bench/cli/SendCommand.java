package io.keelmq.bench.cli;

import io.keelmq.bench.scenario.Scenario;
import io.keelmq.bench.scenario.SendScenario;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "send", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"PERSISTENT sends as fast as the broker answers, nobody consuming: msgs/s, MB/s and send() "
                + "latency. The queue is drained and counted afterwards (not timed).",
                "Target: with 16 producers under SYNC_FLUSH, KeelMQ at least 1.5x Artemis's msgs/s."})
final class SendCommand extends ScenarioCommand {
    @Option(names = "--producers", defaultValue = "16",
            description = "producers, each with its own connection, e.g. 1, 4, 16, 64 (default: ${DEFAULT-VALUE})")
    int producers;

    @Mixin
    AmountOptions amount;

    @Option(names = "--verify", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "drain and count the queue after sending (default: on)")
    boolean verify;

    @Override
    Scenario scenario() {
        Checks.positive("--producers", producers);
        return new SendScenario(producers, amount.amount(), verify, common.flush);
    }
}
