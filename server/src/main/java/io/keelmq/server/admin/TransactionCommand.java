package io.keelmq.server.admin;

import picocli.CommandLine;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code keel-admin --url ... transaction list|commit|rollback}: the transactions of a running broker that wait for a
 * decision (ADMIN {@code transaction-list}, {@code transaction-commit}, {@code transaction-rollback}; needs
 * {@code manage} on the message's destination): transactional producers' transactions, addressed by {@code --id},
 * and in-doubt XA branches, addressed by {@code --xid FORMATID:GTRID_HEX:BQUAL_HEX} and decided heuristically (the
 * transaction manager's later decision is answered XA_HEURCOM or XA_HEURRB until it forgets the branch).
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
                    + "UNRESOLVED: check-backs used up, kept until decided here) and XA branches (PREPARED: in "
                    + "doubt; HEURISTIC_COMMITTED, HEURISTIC_ROLLED_BACK: decided here, kept until the transaction "
                    + "manager forgets them), oldest first.")
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
            out.printf("%-8s %-52s %-10s %-16s %-24s %-6s %-24s %-10s %s%n", "KIND", "ID", "STATE", "GROUP",
                    "DESTINATION", "CHECKS", "SINCE", "AGE", "MESSAGE ID");
            long now = System.currentTimeMillis();
            for (TransactionSummary t : transactions) {
                out.printf("%-8s %-52s %-10s %-16s %-24s %-6d %-24s %-10s %s%n", t.kind(), t.id(), t.state(), t.group(),
                        t.destination(), t.checks(), Instant.ofEpochMilli(t.since()), age(now - t.since()),
                        t.messageId());
            }
            out.flush();
            return 0;
        }
    }

    /** How long ago, as {@code 1d2h}, {@code 3h4m}, {@code 5m6s} or {@code 7s}. */
    static String age(long millis) {
        Duration age = Duration.ofMillis(Math.max(0, millis));
        if (age.toDays() > 0) {
            return age.toDays() + "d" + age.toHoursPart() + "h";
        }
        if (age.toHours() > 0) {
            return age.toHours() + "h" + age.toMinutesPart() + "m";
        }
        if (age.toMinutes() > 0) {
            return age.toMinutes() + "m" + age.toSecondsPart() + "s";
        }
        return age.toSeconds() + "s";
    }

    /** Which transaction: a transactional producer's ({@code --id}) or an XA branch ({@code --xid}). */
    static final class Target {
        @Option(names = "--id", paramLabel = "ID", required = true,
                description = "a transactional producer's transaction id (transaction list shows it)")
        String id;

        @Option(names = "--xid", paramLabel = "XID", required = true,
                description = "an in-doubt XA branch as FORMATID:GTRID_HEX:BQUAL_HEX (transaction list shows it); "
                        + "decided heuristically")
        String xid;

        Map<String, String> headers() {
            return xid != null ? Map.of("xid", xid) : Map.of("id", id);
        }

        String name() {
            return xid != null ? xid : id;
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
            out.println(target.name() + " " + outcome);
            out.flush();
            return 0;
        }
    }

    @Command(name = "commit", mixinStandardHelpOptions = true,
            description = "Commit an undecided transaction: its message is delivered (idempotent); an XA branch "
                    + "is committed heuristically.")
    static final class Commit extends Decide {
        @Override
        public Integer call() throws IOException {
            return decide("transaction-commit");
        }
    }

    @Command(name = "rollback", mixinStandardHelpOptions = true,
            description = "Roll an undecided transaction back: its message is never delivered (idempotent); an XA "
                    + "branch is rolled back heuristically (what it consumed is redelivered).")
    static final class Rollback extends Decide {
        @Override
        public Integer call() throws IOException {
            return decide("transaction-rollback");
        }
    }
}
