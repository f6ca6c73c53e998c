package io.keelmq.server.jms;

import io.keelmq.jms.KeelConnectionFactory;
import io.keelmq.server.config.BrokerConfig;
import io.keelmq.server.config.ConfigKeys;
import io.keelmq.server.security.PasswordHash;
import io.keelmq.server.security.UserEntry;
import io.keelmq.server.security.UsersFile;
import jakarta.jms.Connection;
import jakarta.jms.JMSContext;
import jakarta.jms.JMSException;
import jakarta.jms.JMSSecurityException;
import jakarta.jms.JMSSecurityRuntimeException;
import jakarta.jms.Session;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.ArrayList;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** A broker with authenticationEnabled, reached through the real client. */
class AuthenticationJmsTest extends JmsTestBase {

    Path usersFile() {
        return dir.resolve("users");
    }

    @Override
    BrokerConfig.Builder brokerConfig() {
        if (!Files.exists(usersFile())) {
            try {
                UsersFile.write(usersFile(), List.of(new UserEntry("alice",
                        PasswordHash.create("alice-pw".toCharArray()), List.of("app"))));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return super.brokerConfig().set(ConfigKeys.AUTHENTICATION_ENABLED, true)
                .set(ConfigKeys.USERS_FILE, usersFile());
    }

    @Test
    void rightCredentialsConnect() throws Exception {
        Connection connection = track(factory().createConnection("alice", "alice-pw"));
        Session session = connection.createSession();
        session.createProducer(session.createQueue("auth")).send(session.createTextMessage("hi"));

        KeelConnectionFactory withProperties = factory();
        withProperties.setUser("alice");
        withProperties.setPassword("alice-pw");
        track(withProperties.createConnection()).createSession().close();

        try (JMSContext context = factory().createContext("alice", "alice-pw")) {
            context.createProducer().send(context.createQueue("auth"), "hello");
        }
    }

    @Test
    void wrongPasswordUnknownUserAndMissingCredentialsFail() throws Exception {
        String wrong = refused(() -> track(factory().createConnection("alice", "nope")));
        String unknown = refused(() -> track(factory().createConnection("mallory", "alice-pw")));
        refused(() -> track(factory().createConnection()));
        refused(() -> track(factory().createConnection("alice", null)));
        assertEquals(wrong.replace("alice", "X"), unknown.replace("mallory", "X"),
                "the answer does not tell whether the user exists");
        assertFalse(unknown.contains("mallory"));

        JMSSecurityRuntimeException e = assertThrows(JMSSecurityRuntimeException.class,
                () -> factory().createContext("alice", "bad"));
        assertEquals("SECURITY", e.getErrorCode());
        awaitNoConnections();
    }

    @Test
    void userAddedWhileRunningGetsInWithoutRestart() throws Exception {
        refused(() -> track(factory().createConnection("bob", "bob-pw")));
        List<UserEntry> users = new ArrayList<>(UsersFile.read(usersFile()).values());
        users.add(new UserEntry("bob", PasswordHash.create("bob-pw".toCharArray()), List.of()));
        UsersFile.write(usersFile(), users);
        Connection bob = factory().createConnection("bob", "bob-pw");
        bob.createSession().close();
        bob.close();

        UsersFile.write(usersFile(), users.subList(1, 2));   // alice removed
        refused(() -> track(factory().createConnection("alice", "alice-pw")));
    }

    @Test
    void repeatedFailuresAreStillAnsweredSecurityOnceSlowedDown() throws Exception {
        for (int i = 0; i < 6; i++) {   // the 6th answer is scheduled after FailedLoginThrottle's first delay
            refused(() -> track(factory().createConnection("alice", "guess")));
        }
        Connection connection = factory().createConnection("alice", "alice-pw");
        connection.close();
    }

    /** Asserts a JMSSecurityException with error code SECURITY and the refused connection gone; its message. */
    private String refused(Executable connect) throws Exception {
        JMSSecurityException e = assertThrows(JMSSecurityException.class, connect);
        assertEquals("SECURITY", e.getErrorCode());
        awaitNoConnections();
        return e.getMessage();
    }

    private void awaitNoConnections() throws InterruptedException {
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (broker.connectionCount() > 0 && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertEquals(0, broker.connectionCount(), "the refused connection is closed");
    }
}
