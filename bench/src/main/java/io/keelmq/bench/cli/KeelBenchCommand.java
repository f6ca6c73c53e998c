package io.keelmq.bench.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

import java.util.concurrent.Callable;

/** {@code keel-bench SCENARIO [options]}: the top-level command; each scenario is a subcommand. */
@Command(name = "keel-bench", mixinStandardHelpOptions = true, versionProvider = KeelBenchCommand.Version.class,
        description = {"Load generator for KeelMQ, side by side with ActiveMQ Artemis (--vs artemis) and, for send and "
                + "e2e, Apache RocketMQ through its own client (--vs rocketmq; --vs artemis,rocketmq for all three): each "
                + "broker in its own JVM with the same heap and durability, rounds interleaved, the disk's raw fsync rate "
                + "measured in the same run. Figures on standard output, progress on standard error, "
                + ".hgrm files, latency plots and summary.json in --out."},
        subcommands = {SendCommand.class, E2eCommand.class, BacklogCommand.class, TransactedCommand.class,
                DelayCommand.class, HalfCommand.class, CommandLine.HelpCommand.class})
public final class KeelBenchCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    /** Runs the command line; returns the exit code: 0, 1 for a failed run, 2 for a usage error. */
    public static int execute(String... args) {
        CommandLine commandLine = new CommandLine(new KeelBenchCommand());
        commandLine.setCaseInsensitiveEnumValuesAllowed(true);
        commandLine.setExecutionExceptionHandler((e, cmd, parseResult) -> {
            if (e instanceof IllegalArgumentException) {
                cmd.getErr().println("keel-bench: " + e.getMessage());
                return 2;
            }
            cmd.getErr().println("keel-bench: the run failed: " + e.getMessage());
            e.printStackTrace(cmd.getErr());
            return 1;
        });
        return commandLine.execute(args);
    }

    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getErr());
        return 2;
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String version = KeelBenchCommand.class.getPackage().getImplementationVersion();
            return new String[] {"keel-bench " + (version == null ? "(development build)" : version)};
        }
    }
}
