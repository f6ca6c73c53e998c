package io.keelmq.bench.cli;

import io.keelmq.bench.scenario.DelayScenario;
import io.keelmq.bench.scenario.Scenario;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.time.Duration;

@Command(name = "delay", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"--count PERSISTENT messages sent with deliveryDelay --delay, consumers attached from the start: "
                + "enqueue rate, the broker JVM's heap (after a full GC, over JMX) before sending, after sending and "
                + "after delivery, and lateness at delivery (receive time minus JMSDeliveryTime).",
                "Targets: KeelMQ's lateness p99 within 1 s; its heap grows by under 64 bytes per pending message."})
final class DelayCommand extends ScenarioCommand {
    @Option(names = "--producers", defaultValue = "16", description = "producers (default: ${DEFAULT-VALUE})")
    int producers;

    @Option(names = "--consumers", defaultValue = "4", description = "consumers (default: ${DEFAULT-VALUE})")
    int consumers;

    @Option(names = "--count", defaultValue = "100000", description = "delayed messages (default: ${DEFAULT-VALUE})")
    long count;

    @Option(names = "--delay", defaultValue = "60s", converter = DurationConverter.class,
            description = "deliveryDelay of every message; longer than the enqueue takes, so that all are pending "
                    + "when the heap is read (default: ${DEFAULT-VALUE})")
    Duration delay;

    @Override
    Scenario scenario() {
        Checks.positive("--producers", producers);
        Checks.positive("--consumers", consumers);
        Checks.positive("--count", count);
        Checks.positive("--delay", delay.toMillis());
        return new DelayScenario(producers, consumers, count, delay);
    }
}
