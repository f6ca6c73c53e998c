package io.keelmq.bench.cli;

import io.keelmq.bench.scenario.HalfScenario;
import io.keelmq.bench.scenario.Scenario;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "half", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Each message in a transaction of its own, committed at once: a KeelMQ transactional producer",
                "(half message, empty local transaction, COMMIT); Artemis: a transacted session committing every",
                "message. Consumers drain and count afterwards."})
final class HalfCommand extends ScenarioCommand {
    @Option(names = "--producers", defaultValue = "16", description = "producers (default: ${DEFAULT-VALUE})")
    int producers;

    @Mixin
    AmountOptions amount;

    @Override
    Scenario scenario() {
        Checks.positive("--producers", producers);
        return new HalfScenario(producers, amount.amount());
    }
}
