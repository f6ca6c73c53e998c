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
 * {@code bin/keel-admin --url keel://host:port [--user U --password P] destination list}: asks a running broker
 * (ADMIN request; with authorization the user needs {@code manage}); {@code ... dlq list|resend|purge QUEUE} looks
 * at, resends or purges a dead-letter queue (see {@link DlqCommand}).
 * Passwords come from {@code --password} or, without it, from the console (not echoed) or standard input.
 * Exit codes: 0 done, 1 failed (unknown user, user exists, unreadable file), 2 bad usage.
 */
@Command(name = "keel-admin", mixinStandardHelpOptions = true, description = "KeelMQ administration.",
        subcommands = {AdminMain.UserCommand.class, AdminMain.DestinationCommand.class, DlqCommand.class})
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
                "missing command (try: user --help, destination --help or dlq --help)");
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
            AdminMain admin = parent.admin;
            if (admin.url == null) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--url keel://host:port is required");
            }
            List<DestinationSummary> destinations;
            try (BrokerAdminClient client = BrokerAdminClient.connect(admin.url, admin.user, admin.password)) {
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
