package io.keelmq.bench.cli;

import io.keelmq.bench.BenchRun;
import io.keelmq.bench.scenario.Scenario;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Spec;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * What every scenario command does with its options: build the scenario, run it against the chosen
 * brokers, and exit 0, or 1 when a message acknowledged to a producer never reached a consumer.
 */
abstract class ScenarioCommand implements Callable<Integer> {
    @Mixin
    CommonOptions common;

    @Spec
    CommandSpec spec;

    abstract Scenario scenario();

    @Override
    public Integer call() throws Exception {
        Scenario scenario = scenario();
        BenchRun.Outcome outcome = new BenchRun(common.toConfig(commandLine(), options()), scenario, System.out,
                System.err).run();
        if (!outcome.everyMessageReceived()) {
            System.err.println("keel-bench: consumers received a different number of messages than were sent; "
                    + "see the 'received' column and " + outcome.summary());
            return 1;
        }
        return 0;
    }

    private String commandLine() {
        return "keel-bench " + String.join(" ", spec.root().commandLine().getParseResult().originalArgs());
    }

    private Map<String, Object> options() {
        Map<String, Object> options = new LinkedHashMap<>();
        for (OptionSpec option : spec.options()) {
            if (option.usageHelp() || option.versionHelp()) {
                continue;
            }
            Object value = option.getValue();
            options.put(option.longestName(), value == null ? null : value.toString());
        }
        return options;
    }
}
