package io.keelmq.server.admin;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code keel-admin --url ... ha status} and {@code ha elect --broker ID [--group NAME]}: automatic failover, asked of
 * any broker in controller mode (ADMIN {@code ha-status}, {@code ha-elect}; the user needs {@code manage}).
 */
@Command(name = "ha", mixinStandardHelpOptions = true,
        description = "Automatic failover: the controller's view of each broker group, or a forced election (needs "
                + "--url of any broker in controller mode; the user needs the manage permission).",
        subcommands = {HaCommand.Status.class, HaCommand.Elect.class})
final class HaCommand implements Callable<Integer> {
    @CommandLine.ParentCommand
    AdminMain admin;

    @Override
    public Integer call() {
        throw new CommandLine.ParameterException(new CommandLine(this), "missing command: status|elect");
    }

    int ask(CommandLine.Model.CommandSpec spec, Map<String, String> headers) throws IOException {
        String answer;
        try (BrokerAdminClient client = admin.connect(spec)) {
            answer = client.ha(headers);
        }
        PrintWriter out = spec.commandLine().getOut();
        out.print(answer.endsWith("\n") ? answer : answer + "\n");
        out.flush();
        return 0;
    }

    @Command(name = "status", mixinStandardHelpOptions = true,
            description = "Each group's master, master epoch, in-sync set, and each broker's log end and lag.")
    static final class Status implements Callable<Integer> {
        @CommandLine.ParentCommand
        HaCommand parent;
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() throws IOException {
            return parent.ask(spec, Map.of("command", "ha-status"));
        }
    }

    @Command(name = "elect", mixinStandardHelpOptions = true,
            description = "Make an in-sync broker master of its group (a new master epoch; the old master is fenced).")
    static final class Elect implements Callable<Integer> {
        @CommandLine.ParentCommand
        HaCommand parent;
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;
        @Option(names = "--broker", required = true, paramLabel = "ID", description = "the brokerId to elect")
        String broker;
        @Option(names = "--group", paramLabel = "NAME", description = "its group (brokerName), if the id is in several")
        String group;

        @Override
        public Integer call() throws IOException {
            Map<String, String> headers = new LinkedHashMap<>();
            headers.put("command", "ha-elect");
            headers.put("broker", broker);
            if (group != null) {
                headers.put("group", group);
            }
            return parent.ask(spec, headers);
        }
    }
}
