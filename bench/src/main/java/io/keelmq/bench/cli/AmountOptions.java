package io.keelmq.bench.cli;

import io.keelmq.bench.load.Amount;
import picocli.CommandLine.Option;

import java.time.Duration;

/** {@code --count} or {@code --duration}: how much each measured phase sends. */
final class AmountOptions {
    @Option(names = "--count", defaultValue = "0",
            description = "messages per measured phase (over all producers); overrides --duration when > 0")
    long count;

    @Option(names = "--duration", defaultValue = "10s", converter = DurationConverter.class,
            description = "how long each measured phase sends when --count is not given (default: ${DEFAULT-VALUE})")
    Duration duration;

    Amount amount() {
        return new Amount(count, duration);
    }
}
