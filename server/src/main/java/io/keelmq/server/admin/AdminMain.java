package io.keelmq.server.admin;

import io.keelmq.server.security.PasswordHash;
import io.keelmq.server.security.UserEntry;
import io.keelmq.server.security.UsersFile;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.BufferedReader;
import java.io.Console;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code bin/keel-admin user add|remove|passwd|list --users-file FILE ...}: maintains the broker's
 * users file (see {@link UsersFile}); needs no running broker, which re-reads the file when it changes.
 * {@code bin/keel-admin --url keel://host:port [--user U --password P] destination list | message query ... |
 * subscription reset ...}: asks a running broker (ADMIN request; with authorization the user needs {@code manage});
 * {@code ... dlq list|resend|purge QUEUE} looks at, resends or purges a dead-letter queue (see {@link DlqCommand});
 * {@code ... transaction list|commit|rollback} shows and decides undecided transactions ({@link TransactionCommand}).
 * Passwords come from {@code --password} or, without it, from the console (not echoed) or standard input.
 * Exit codes: 0 done, 1 failed (unknown user, user exists, unreadable file), 2 bad usage.
 */
@Command(name = "keel-admin", mixinStandardHelpOptions = true, description = "KeelMQ administration.",
        subcommands = {AdminMain.UserCommand.class, AdminMain.DestinationCommand.class, AdminMain.MessageCommand.class,
                AdminMain.SubscriptionCommand.class, DlqCommand.class, TransactionCommand.class,
                HaCommand.class})
public final class AdminMain implements Callable<Integer> {
    private final InputStream in;
    private final Console console;
    @Option(names = "--url", paramLabel = "URL",
            description = "a running broker, keel://host:port (for destination ... and dlq ...)")
    String url;
    @Option(names = "--user", paramLabel = "USER", description = "user to log in to the broker as")
    String user;
    @Option(names = "--password", paramLabel = "PASSWORD", description = "that user's password")
    String password;

    AdminMain(InputStream in, Console console) {
        this.in = in;
        this.console = console;
    }

    public static void main(String[] args) {
        System.exit(run(args, System.in, System.console(), System.out, System.err));
    }

    /** Runs a command; returns its exit code. {@code console} may be null (then stdin is read). */
    static int run(String[] args, InputStream in, Console console, PrintStream out, PrintStream err) {
        CommandLine commandLine = new CommandLine(new AdminMain(in, console));
        commandLine.setOut(new PrintWriter(out, true));
        commandLine.setErr(new PrintWriter(err, true));
        commandLine.setExecutionExceptionHandler((e, cl, parsed) -> {
            cl.getErr().println("keel-admin: " + (e instanceof IOException || e instanceof IllegalArgumentException
                    ? e.getMessage() : e.toString()));
            return 1;
        });
        return commandLine.execute(args);
    }

    @Override
    public Integer call() {
        throw new CommandLine.ParameterException(new CommandLine(this),
                "missing command (try: user, destination, message, subscription, dlq, transaction or ha --help)");
    }

    char[] readPassword(String prompt) throws IOException {
        if (console != null) {
            char[] first = console.readPassword("%s: ", prompt);
            char[] second = console.readPassword("again: ");
            if (first == null || !Arrays.equals(first, second)) {
                throw new IllegalArgumentException("the passwords do not match");
            }
            return first;
        }
        String line = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8)).readLine();
        if (line == null) {
            throw new IllegalArgumentException("no password given (use --password or standard input)");
        }
        return line.toCharArray();
    }

    /** Connects to the broker of {@code --url}; usage error without it. */
    BrokerAdminClient connect(CommandLine.Model.CommandSpec spec) throws IOException {
        if (url == null) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--url keel://host:port is required");
        }
        return BrokerAdminClient.connect(url, user, password);
    }

    @Command(name = "destination", mixinStandardHelpOptions = true,
            description = "Look at the destinations of a running broker (needs --url; --user/--password when it "
                    + "requires authentication; the user needs the manage permission).",
            subcommands = ListDestinations.class)
    static final class DestinationCommand implements Callable<Integer> {
        @CommandLine.ParentCommand
        AdminMain admin;

        @Override
        public Integer call() {
            throw new CommandLine.ParameterException(new CommandLine(this), "missing command: list");
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true,
            description = "List destinations with their message and consumer counts (queues: messages not yet "
                    + "acknowledged; topics: messages in the log).")
    static final class ListDestinations implements Callable<Integer> {
        @CommandLine.ParentCommand
        DestinationCommand parent;
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() throws IOException {
            List<DestinationSummary> destinations;
            try (BrokerAdminClient client = parent.admin.connect(spec)) {
                destinations = client.listDestinations();
            }
            PrintWriter out = spec.commandLine().getOut();
            out.printf("%-16s %-40s %10s %12s %10s%n", "KIND", "NAME", "PARTITIONS", "MESSAGES", "CONSUMERS");
            for (DestinationSummary d : destinations) {
                out.printf("%-16s %-40s %10d %12d %10d%n", d.kind(), d.name(), d.partitions(), d.messages(),
                        d.consumers());
            }
            out.flush();
            return 0;
        }
    }

    @Command(name = "message", mixinStandardHelpOptions = true,
            description = "Find stored messages on a running broker (needs --url and the manage permission).",
            subcommands = QueryMessages.class)
    static final class MessageCommand implements Callable<Integer> {
        @CommandLine.ParentCommand
        AdminMain admin;

        @Override
        public Integer call() {
            throw new CommandLine.ParameterException(new CommandLine(this), "missing command: query");
        }
    }

    @Command(name = "query", mixinStandardHelpOptions = true,
            description = "Find messages by key (JMS_Keel_Keys), by message id, or by store time on a destination; "
                    + "prints destination, partition, queue offset, message id, store time, tag, keys and the "
                    + "start of the body.")
    static final class QueryMessages implements Callable<Integer> {
        @CommandLine.ParentCommand
        MessageCommand parent;
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;
        @Option(names = "--key", paramLabel = "KEY", description = "one of the message's JMS_Keel_Keys")
        String key;
        @Option(names = "--id", paramLabel = "ID", description = "the JMSMessageID")
        String id;
        @Option(names = "--destination", paramLabel = "queue/NAME|topic/NAME",
                description = "only this destination (required without --key and --id)")
        String destination;
        @Option(names = "--from", paramLabel = "TIME", description = "stored at or after (ISO-8601 or epoch ms)")
        String from;
        @Option(names = "--to", paramLabel = "TIME", description = "stored at or before (ISO-8601 or epoch ms)")
        String to;
        @Option(names = "--limit", paramLabel = "N", description = "at most N messages (default 32, at most 1000)")
        int limit = 32;

        @Override
        public Integer call() throws IOException {
            if (key != null && id != null) {
                throw new CommandLine.ParameterException(spec.commandLine(), "give --key or --id, not both");
            }
            if (key == null && id == null && destination == null) {
                throw new CommandLine.ParameterException(spec.commandLine(),
                        "give --key, --id, or --destination with a time range (--from/--to)");
            }
            Map<String, String> headers = new java.util.LinkedHashMap<>();
            if (key != null) {
                headers.put("key", key);
            }
            if (id != null) {
                headers.put("messageId", id);
            }
            if (destination != null) {
                AdminArguments.destination(destination, headers);
            }
            if (from != null) {
                headers.put("from", Long.toString(AdminArguments.timestamp(from, "--from")));
            }
            if (to != null) {
                headers.put("to", Long.toString(AdminArguments.timestamp(to, "--to")));
            }
            headers.put("limit", Integer.toString(limit));
            List<FoundMessage> messages;
            try (BrokerAdminClient client = parent.admin.connect(spec)) {
                messages = client.queryMessages(headers);
            }
            PrintWriter out = spec.commandLine().getOut();
            out.println(String.join("\t", "DESTINATION", "PARTITION", "OFFSET", "MESSAGE-ID", "STORED", "TAG", "KEYS",
                    "BODY"));
            for (FoundMessage m : messages) {
                out.println(String.join("\t", m.kind().name().toLowerCase(java.util.Locale.ROOT) + "/"
                        + m.destination(), Integer.toString(m.partition()), Long.toString(m.queueOffset()),
                        m.messageId(), java.time.Instant.ofEpochMilli(m.storeTimestamp()).toString(),
                        m.tag() == null ? "-" : m.tag(), m.keys().isEmpty() ? "-" : m.keys(), m.preview()));
            }
            out.println(messages.size() + " message(s)");
            out.flush();
            return 0;
        }
    }

    @Command(name = "subscription", mixinStandardHelpOptions = true,
            description = "Manage the subscriptions of a running broker (needs --url and the manage permission).",
            subcommands = {ListSubscriptions.class, ResetSubscription.class})
    static final class SubscriptionCommand implements Callable<Integer> {
        @CommandLine.ParentCommand
        AdminMain admin;

        @Override
        public Integer call() {
            throw new CommandLine.ParameterException(new CommandLine(this), "missing command: list|reset");
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true,
            description = "List subscriptions with their consumers and pending (unacknowledged) messages; "
                    + "SUBSCRIPTION is what subscription reset --subscription takes.")
    static final class ListSubscriptions implements Callable<Integer> {
        @CommandLine.ParentCommand
        SubscriptionCommand parent;
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() throws IOException {
            List<SubscriptionSummary> subscriptions;
            try (BrokerAdminClient client = parent.admin.connect(spec)) {
                subscriptions = client.listSubscriptions();
            }
            PrintWriter out = spec.commandLine().getOut();
            out.printf("%-15s %-32s %-40s %10s %12s%n", "KIND", "SUBSCRIPTION", "DESTINATION", "CONSUMERS",
                    "PENDING");
            for (SubscriptionSummary s : subscriptions) {
                String name = s.name() == null ? "-" : (s.clientId() == null ? "" : s.clientId()) + ":" + s.name();
                out.printf("%-15s %-32s %-40s %10d %12d%n", s.kind(), name,
                        s.destinationKind().name().toLowerCase(java.util.Locale.ROOT) + "/" + s.destination(),
                        s.consumers(), s.pending());
            }
            out.flush();
            return 0;
        }
    }

    @Command(name = "reset", mixinStandardHelpOptions = true,
            description = "Move a queue's or a durable subscription's position to the first message stored at or "
                    + "after a time (back to consume again, forward to skip). Its consumers must be closed.")
    static final class ResetSubscription implements Callable<Integer> {
        @CommandLine.ParentCommand
        SubscriptionCommand parent;
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;
        @Option(names = "--destination", paramLabel = "queue/NAME", description = "a queue")
        String destination;
        @Option(names = "--subscription", paramLabel = "CLIENTID:NAME",
                description = "a durable subscription (:NAME for a shared one without client id)")
        String subscription;
        @Option(names = "--to", required = true, paramLabel = "TIME", description = "ISO-8601 or epoch ms")
        String to;

        @Override
        public Integer call() throws IOException {
            if ((destination == null) == (subscription == null)) {
                throw new CommandLine.ParameterException(spec.commandLine(),
                        "give either --destination queue/NAME or --subscription CLIENTID:NAME");
            }
            Map<String, String> headers = new java.util.LinkedHashMap<>();
            if (destination != null) {
                AdminArguments.destination(destination, headers);
            } else {
                AdminArguments.subscription(subscription, headers);
            }
            long timestamp = AdminArguments.timestamp(to, "--to");
            headers.put("timestamp", Long.toString(timestamp));
            List<PositionChange> changes;
            try (BrokerAdminClient client = parent.admin.connect(spec)) {
                changes = client.resetSubscription(headers);
            }
            PrintWriter out = spec.commandLine().getOut();
            out.println("reset " + (destination != null ? destination : "subscription " + subscription) + " to "
                    + java.time.Instant.ofEpochMilli(timestamp));
            out.printf("%-10s %14s %14s%n", "PARTITION", "BEFORE", "AFTER");
            for (PositionChange change : changes) {
                out.printf("%-10d %14d %14d%n", change.partition(), change.before(), change.after());
            }
            out.flush();
            return 0;
        }
    }

    static final class FileOption {
        @Option(names = "--users-file", required = true, paramLabel = "FILE", description = "the users file")
        Path usersFile;
    }

    @Command(name = "user", mixinStandardHelpOptions = true, description = "Manage broker users.",
            subcommands = {Add.class, Remove.class, Passwd.class, ListUsers.class})
    static final class UserCommand implements Callable<Integer> {
        @CommandLine.ParentCommand
        AdminMain admin;

        @Override
        public Integer call() {
            throw new CommandLine.ParameterException(new CommandLine(this), "missing command: add|remove|passwd|list");
        }
    }

    abstract static class Base implements Callable<Integer> {
        @CommandLine.ParentCommand
        UserCommand parent;
        @Mixin
        FileOption file;
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        PrintWriter out() {
            return spec.commandLine().getOut();
        }

        char[] password(String given, String user) throws IOException {
            char[] password = given != null ? given.toCharArray() : parent.admin.readPassword("password for " + user);
            if (password.length == 0) {
                throw new IllegalArgumentException("the password must not be empty");
            }
            return password;
        }
    }

    @Command(name = "add", mixinStandardHelpOptions = true, description = "Add a user.")
    static final class Add extends Base {
        @Parameters(index = "0", paramLabel = "USER")
        String user;
        @Option(names = "--password", description = "the password (default: ask on the console or read stdin)")
        String password;
        @Option(names = "--roles", split = ",", paramLabel = "ROLE", description = "comma-separated roles")
        List<String> roles = new ArrayList<>();

        @Override
        public Integer call() throws IOException {
            UserEntry.checkName(user, "user name");
            Map<String, UserEntry> users = UsersFile.read(file.usersFile);
            if (users.containsKey(user)) {
                throw new IllegalArgumentException("user '" + user + "' exists already (use passwd)");
            }
            users.put(user, new UserEntry(user, PasswordHash.create(password(password, user)), roles));
            UsersFile.write(file.usersFile, users.values());
            out().println("added user " + user + (roles.isEmpty() ? "" : " with roles " + String.join(",", roles)));
            return 0;
        }
    }

    @Command(name = "passwd", mixinStandardHelpOptions = true, description = "Change a user's password.")
    static final class Passwd extends Base {
        @Parameters(index = "0", paramLabel = "USER")
        String user;
        @Option(names = "--password", description = "the new password (default: ask on the console or read stdin)")
        String password;

        @Override
        public Integer call() throws IOException {
            Map<String, UserEntry> users = UsersFile.read(file.usersFile);
            UserEntry old = users.get(user);
            if (old == null) {
                throw new IllegalArgumentException("no user '" + user + "' in " + file.usersFile);
            }
            users.put(user, new UserEntry(user, PasswordHash.create(password(password, user)), old.roles()));
            UsersFile.write(file.usersFile, users.values());
            out().println("changed the password of user " + user);
            return 0;
        }
    }

    @Command(name = "remove", mixinStandardHelpOptions = true, description = "Remove a user.")
    static final class Remove extends Base {
        @Parameters(index = "0", paramLabel = "USER")
        String user;

        @Override
        public Integer call() throws IOException {
            Map<String, UserEntry> users = UsersFile.read(file.usersFile);
            if (users.remove(user) == null) {
                throw new IllegalArgumentException("no user '" + user + "' in " + file.usersFile);
            }
            UsersFile.write(file.usersFile, users.values());
            out().println("removed user " + user);
            return 0;
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List users and their roles.")
    static final class ListUsers extends Base {
        @Override
        public Integer call() throws IOException {
            for (UserEntry user : UsersFile.read(file.usersFile).values()) {
                out().println(user.name() + "\t" + String.join(",", user.roles()));
            }
            return 0;
        }
    }
}
