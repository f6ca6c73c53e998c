package io.keelmq.bench.cli;

import io.keelmq.bench.load.ConsumeMode;
import io.keelmq.bench.scenario.E2eScenario;
import io.keelmq.bench.scenario.Scenario;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.util.Locale;

@Command(name = "e2e", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Producers and consumers together; latency from send to receive (a timestamp in each message).",
                "--rate max: as fast as possible. --rate N: a constant N msgs/s, latency measured from each message's "
                        + "intended send time (coordinated-omission correction). --rate auto: both, N being half "
                        + "of KeelMQ's highest rate from round 1. --rate sustained: the highest constant rate after "
                        + "which the queue holds at most 1 %% of the messages sent (raised in 10 %% steps of --duration "
                        + "each), then a phase at half of KeelMQ's sustained rate.",
                "Target: at half of KeelMQ's highest rate, KeelMQ's p99 no higher than Artemis's."})
final class E2eCommand extends ScenarioCommand {
    @Option(names = "--producers", defaultValue = "4", description = "producers (default: ${DEFAULT-VALUE})")
    int producers;

    @Option(names = "--consumers", defaultValue = "4", description = "consumers (default: ${DEFAULT-VALUE})")
    int consumers;

    @Option(names = "--rate", defaultValue = "auto",
            description = "auto, max, sustained, or msgs/s over all producers (default: ${DEFAULT-VALUE})")
    String rate;

    @Option(names = "--ack-mode", defaultValue = "auto", description = "how consumers acknowledge: auto, dups-ok, "
            + "client (acknowledge() every 10), transacted (commit every 10) or listener (default: ${DEFAULT-VALUE})")
    String ackMode;

    @Mixin
    AmountOptions amount;

    @Override
    Scenario scenario() {
        Checks.positive("--producers", producers);
        Checks.positive("--consumers", consumers);
        String text = rate.trim().toLowerCase(Locale.ROOT);
        ConsumeMode consumeMode = ConsumeMode.parse(ackMode);
        return switch (text) {
            case "auto" -> new E2eScenario(producers, consumers, amount.amount(), E2eScenario.RateMode.AUTO, 0,
                    consumeMode);
            case "max" -> new E2eScenario(producers, consumers, amount.amount(), E2eScenario.RateMode.MAX, 0,
                    consumeMode);
            case "sustained" -> new E2eScenario(producers, consumers, amount.amount(),
                    E2eScenario.RateMode.SUSTAINED, 0, consumeMode);
            default -> {
                long fixed;
                try {
                    fixed = Long.parseLong(text);
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("--rate must be auto, max, sustained or a number of msgs/s, not "
                            + rate);
                }
                Checks.positive("--rate", fixed);
                yield new E2eScenario(producers, consumers, amount.amount(), E2eScenario.RateMode.FIXED, fixed,
                        consumeMode);
            }
        };
    }
}
