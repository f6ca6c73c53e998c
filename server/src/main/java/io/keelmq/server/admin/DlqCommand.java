package io.keelmq.server.admin;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.io.PrintWriter;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code keel-admin --url ... dlq list|resend|purge QUEUE [--id ID] [--limit N]}: the dead-letter queues of a
 * running broker (ADMIN {@code dlq-list}, {@code dlq-resend}, {@code dlq-purge}; needs {@code manage} on QUEUE).
 */
@Command(name = "dlq", mixinStandardHelpOptions = true,
        description = "Look at, resend or purge a dead-letter queue (DLQ.<queue> or DLQ.<subscription>) of a running "
                + "broker (needs --url; the user needs the manage permission on the dead-letter queue).",
        subcommands = {DlqCommand.ListLetters.class, DlqCommand.Resend.class, DlqCommand.Purge.class})
final class DlqCommand implements Callable<Integer> {
    @CommandLine.ParentCommand
    AdminMain admin;

    @Override
    public Integer call() {
        throw new CommandLine.ParameterException(new CommandLine(this), "missing command: list|resend|purge");
    }

    /** The options every dlq command takes. */
    abstract static class Base implements Callable<Integer> {
        @CommandLine.ParentCommand
        DlqCommand parent;
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;
        @Parameters(index = "0", paramLabel = "QUEUE", description = "the dead-letter queue, e.g. DLQ.orders")
        String queue;
        @Option(names = "--id", paramLabel = "ID", description = "only the message with this JMSMessageID")
        String id;
        @Option(names = "--limit", paramLabel = "N", description = "at most N messages (default: all)")
        Integer limit;

        BrokerAdminClient connect() throws IOException {
            AdminMain admin = parent.admin;
            if (admin.url == null) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--url keel://host:port is required");
            }
            if (limit != null && limit <= 0) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--limit must be positive");
            }
            return BrokerAdminClient.connect(admin.url, admin.user, admin.password);
        }

        int move(String command, String verb) throws IOException {
            int count;
            try (BrokerAdminClient client = connect()) {
                count = client.moveDeadLetters(command, queue, id, limit);
            }
            PrintWriter out = spec.commandLine().getOut();
            out.println(verb + " " + count + " message" + (count == 1 ? "" : "s") + " of " + queue);
            out.flush();
            return 0;
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true,
            description = "List the dead letters: id, original destination, reason, deliveries, time moved.")
    static final class ListLetters extends Base {
        @Override
        public Integer call() throws IOException {
            List<DeadLetterSummary> letters;
            try (BrokerAdminClient client = connect()) {
                letters = client.listDeadLetters(queue, id, limit);
            }
            PrintWriter out = spec.commandLine().getOut();
            out.printf("%-40s %-30s %10s %-24s %s%n", "ID", "ORIGINAL", "DELIVERIES", "TIME", "REASON");
            for (DeadLetterSummary letter : letters) {
                out.printf("%-40s %-30s %10d %-24s %s%n", letter.messageId(), letter.originalDestination(),
                        letter.deliveryCount(), letter.time() == 0 ? "-" : Instant.ofEpochMilli(letter.time()),
                        letter.reason());
            }
            out.flush();
            return 0;
        }
    }

    @Command(name = "resend", mixinStandardHelpOptions = true,
            description = "Send dead letters back to their original destination (fresh delivery count) and remove "
                    + "them from the dead-letter queue; messages in flight to its consumers are left.")
    static final class Resend extends Base {
        @Override
        public Integer call() throws IOException {
            return move("dlq-resend", "resent");
        }
    }

    @Command(name = "purge", mixinStandardHelpOptions = true,
            description = "Remove dead letters; messages in flight to consumers of the dead-letter queue are left.")
    static final class Purge extends Base {
        @Override
        public Integer call() throws IOException {
            return move("dlq-purge", "purged");
        }
    }
}
