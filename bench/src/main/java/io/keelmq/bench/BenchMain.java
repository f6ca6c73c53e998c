package io.keelmq.bench;

import io.keelmq.bench.cli.KeelBenchCommand;

/** {@code java -jar bench/target/keel-bench.jar SCENARIO [options]}; {@code --help} lists the scenarios. */
public final class BenchMain {
    private BenchMain() {
    }

    public static void main(String[] args) {
        System.exit(KeelBenchCommand.execute(args));
    }
}
