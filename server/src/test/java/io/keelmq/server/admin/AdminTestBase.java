package io.keelmq.server.admin;

import io.keelmq.jms.KeelConnectionFactory;
import io.keelmq.server.Broker;
import io.keelmq.server.config.ConfigKeys;
import io.keelmq.server.security.PasswordHash;
import io.keelmq.server.security.UserEntry;
import io.keelmq.server.security.UsersFile;
import io.keelmq.server.testing.TestBrokers;
import jakarta.jms.Connection;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A broker with authorization for keel-admin tests: carol may do anything, olga may manage {@code orders.#} only,
 * dave may send and consume but manage nothing. {@link #admin} runs keel-admin as carol.
 */
abstract class AdminTestBase {
    @TempDir
    Path dir;
    Broker broker;
    final ByteArrayOutputStream out = new ByteArrayOutputStream();
    final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private final List<Connection> connections = new ArrayList<>();

    private io.keelmq.server.config.BrokerConfig config;

    @BeforeEach
    void start() throws Exception {
        Path users = dir.resolve("users");
        UsersFile.write(users, List.of(user("carol", "admin"), user("olga", "orders-ops"), user("dave", "app")));
        Path authorization = dir.resolve("authorization");
        Files.write(authorization, List.of(
                "grant send,consume,createDurableSubscription on # to admin,app",
                "grant manage on # to admin",
                "grant manage on orders.# to orders-ops,admin"));   // the most specific line decides: repeat admin
        config = configure(TestBrokers.config(dir.resolve("data"))
                .set(ConfigKeys.AUTHENTICATION_ENABLED, true)
                .set(ConfigKeys.USERS_FILE, users)
                .set(ConfigKeys.AUTHORIZATION_FILE, authorization)).build();
        broker = Broker.start(config);
    }

    /** The broker's settings beyond the users and authorization; tests override to change some. */
    io.keelmq.server.config.BrokerConfig.Builder configure(io.keelmq.server.config.BrokerConfig.Builder config) {
        return config;
    }

    /** Closes every connection and the broker, then starts it again on the same store (a new port). */
    void restartBroker() throws Exception {
        closeConnections();
        broker.close();
        broker = Broker.start(config);
    }

    private void closeConnections() {
        for (Connection connection : connections) {
            try {
                connection.close();
            } catch (Exception e) {
                // already closed
            }
        }
        connections.clear();
    }

    @AfterEach
    void stop() throws Exception {
        closeConnections();
        if (broker != null) {
            broker.close();
        }
    }

    private static UserEntry user(String name, String... roles) {
        return new UserEntry(name, PasswordHash.create((name + "-pw").toCharArray()), List.of(roles));
    }

    String url() {
        return "keel://127.0.0.1:" + broker.listenAddress().getPort();
    }

    /** A connection as carol (closed after the test), with a client id when one is given. */
    Connection connection(String clientId) throws Exception {
        Connection connection = new KeelConnectionFactory(url()).createConnection("carol", "carol-pw");
        connections.add(connection);
        if (clientId != null) {
            connection.setClientID(clientId);
        }
        return connection;
    }

    /** keel-admin as {@code user}; returns the exit code, output in {@link #out} and {@link #err}. */
    int runAs(String user, String... args) {
        List<String> all = new ArrayList<>(List.of("--url", url(), "--user", user, "--password", user + "-pw"));
        all.addAll(List.of(args));
        out.reset();
        err.reset();
        return AdminMain.run(all.toArray(String[]::new), new ByteArrayInputStream(new byte[0]), null,
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    /** keel-admin as carol; fails the test unless it succeeds; returns its output. */
    String admin(String... args) {
        int code = runAs("carol", args);
        if (code != 0) {
            throw new AssertionError("keel-admin " + String.join(" ", args) + " exited " + code + ": " + err);
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    String errors() {
        return err.toString(StandardCharsets.UTF_8).trim();
    }
}
