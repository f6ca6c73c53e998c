package io.keelmq.server.admin;

import picocli.CommandLine;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.PrintWriter;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code keel-admin --url ... transaction list|commit|rollback}: the transactions of a running broker that wait for a
 * decision (ADMIN {@code transaction-list}, {@code transaction-commit}, {@code transaction-rollback}; needs
 * {@code manage} on the message's destination). A transactional producer's transaction is addressed by
 * {@code --id}; the target is an exclusive group so that XA branches can join it as {@code --xid}.
 */
@Command(name = "transaction", mixinStandardHelpOptions = true,
        description = "List the transactions of a running broker that wait for a decision, or decide one (needs "
                + "--url; the user needs the manage permission on the message's destination).",
        subcommands = {TransactionCommand.ListTransactions.class, TransactionCommand.Commit.class,
                TransactionCommand.Rollback.class})
final class TransactionCommand implements Callable<Integer> {
    @CommandLine.ParentCommand
    AdminMain admin;

    @Override
    public Integer call() {
        throw new CommandLine.ParameterException(new CommandLine(this), "missing command: list|commit|rollback");
    }

    @Command(name = "list", mixinStandardHelpOptions = true,
            description = "List undecided transactional-producer messages (UNDECIDED: still checked back; "
                    + "UNRESOLVED: check-backs used up, kept until decided here), oldest first.")
    static final class ListTransactions implements Callable<Integer> {
        @CommandLine.ParentCommand
        TransactionCommand parent;
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() throws IOException {
            List<TransactionSummary> transactions;
            try (BrokerAdminClient client = parent.admin.connect(spec)) {
                transactions = client.listTransactions();
            }
            PrintWriter out = spec.commandLine().getOut();
            out.printf("%-8s %-52s %-10s %-16s %-24s %-6s %-24s %s%n", "KIND", "ID", "STATE", "GROUP", "DESTINATION",
                    "CHECKS", "SINCE", "MESSAGE ID");
            for (TransactionSummary t : transactions) {
                out.printf("%-8s %-52s %-10s %-16s %-24s %-6d %-24s %s%n", t.kind(), t.id(), t.state(), t.group(),
                        t.destination(), t.checks(), Instant.ofEpochMilli(t.since()), t.messageId());
            }
            out.flush();
            return 0;
        }
    }

    /** Which transaction: {@code --id} now; {@code --xid} joins this group for XA branches. */
    static final class Target {
        @Option(names = "--id", paramLabel = "ID", required = true,
                description = "a transactional producer's transaction id (transaction list shows it)")
        String id;

        Map<String, String> headers() {
            return Map.of("id", id);
        }
    }

    /** Commit and rollback: the same request with another command. */
    abstract static class Decide implements Callable<Integer> {
        @CommandLine.ParentCommand
        TransactionCommand parent;
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;
        @ArgGroup(exclusive = true, multiplicity = "1")
        Target target;

        Integer decide(String command) throws IOException {
            String outcome;
            try (BrokerAdminClient client = parent.admin.connect(spec)) {
                outcome = client.decideTransaction(command, target.headers());
            }
            PrintWriter out = spec.commandLine().getOut();
            out.println(target.id + " " + outcome);
            out.flush();
            return 0;
        }
    }

    @Command(name = "commit", mixinStandardHelpOptions = true,
            description = "Commit an undecided transaction: its message is delivered (idempotent).")
    static final class Commit extends Decide {
        @Override
        public Integer call() throws IOException {
            return decide("transaction-commit");
        }
    }

    @Command(name = "rollback", mixinStandardHelpOptions = true,
            description = "Roll an undecided transaction back: its message is never delivered (idempotent).")
    static final class Rollback extends Decide {
        @Override
        public Integer call() throws IOException {
            return decide("transaction-rollback");
        }
    }
}
