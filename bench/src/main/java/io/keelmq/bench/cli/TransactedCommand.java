package io.keelmq.bench.cli;

import io.keelmq.bench.scenario.Scenario;
import io.keelmq.bench.scenario.TransactedScenario;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "transacted", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Producers and consumers in transacted sessions committing every --batch messages.",
                "A broker whose client refuses transacted sessions as not supported is reported so, not run."})
final class TransactedCommand extends ScenarioCommand {
    @Option(names = "--producers", defaultValue = "4", description = "producers (default: ${DEFAULT-VALUE})")
    int producers;

    @Option(names = "--consumers", defaultValue = "4", description = "consumers (default: ${DEFAULT-VALUE})")
    int consumers;

    @Option(names = "--batch", defaultValue = "10", description = "messages per commit (default: ${DEFAULT-VALUE})")
    int batch;

    @Mixin
    AmountOptions amount;

    @Override
    Scenario scenario() {
        Checks.positive("--producers", producers);
        Checks.positive("--consumers", consumers);
        Checks.positive("--batch", batch);
        return new TransactedScenario(producers, consumers, batch, amount.amount());
    }
}
