package io.keelmq.ra.outbound;

import io.keelmq.ra.admin.AdminQueue;
import jakarta.jms.InvalidDestinationException;
import jakarta.jms.JMSContext;
import jakarta.resource.spi.ManagedConnection;
import jakarta.resource.spi.security.PasswordCredential;
import org.junit.jupiter.api.Test;

import javax.security.auth.Subject;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * matchManagedConnections pairs a request only with a connection signed on with the same credentials (the
 * application's, the container's Subject, or the factory's), so a pool never hands one user's connection to
 * another; and the admin objects work as destinations of outbound sends.
 */
class MatchingTest extends OutboundTestBase {

    @Test
    void aPooledConnectionIsMatchedOnlyForItsOwnCredentials() throws Exception {
        ManagedConnection asDefault = managedFactory.createManagedConnection(null, null);
        ManagedConnection asAlice = managedFactory.createManagedConnection(null, new Credentials("alice", "a"));
        Subject bob = new Subject();
        PasswordCredential bobsPassword = new PasswordCredential("bob", "b".toCharArray());
        bobsPassword.setManagedConnectionFactory(managedFactory);
        bob.getPrivateCredentials().add(bobsPassword);
        ManagedConnection asBob = managedFactory.createManagedConnection(bob, null);
        try {
            Set<ManagedConnection> pool = Set.of(asDefault, asAlice, asBob);
            assertSame(asDefault, managedFactory.matchManagedConnections(pool, null, null));
            assertSame(asAlice, managedFactory.matchManagedConnections(pool, null, new Credentials("alice", "a")));
            assertNull(managedFactory.matchManagedConnections(pool, null, new Credentials("alice", "wrong")));
            // The container's sign-on wins over what the application asked.
            assertSame(asBob, managedFactory.matchManagedConnections(pool, bob, new Credentials("alice", "a")));

            KeelManagedConnectionFactory other = new KeelManagedConnectionFactory();
            other.setBrokerURL(broker.url());
            other.setPullThresholdForQueue(7);
            assertNull(other.matchManagedConnections(pool, null, null), "another factory's settings must not match");
            assertThrows(jakarta.resource.spi.SecurityException.class,
                    () -> asAlice.getConnection(null, new Credentials("mallory", "m")));
        } finally {
            asDefault.destroy();
            asAlice.destroy();
            asBob.destroy();
        }
    }

    @Test
    void anAdminQueueIsADestinationAndWithoutPhysicalNameItIsRefused() throws Exception {
        AdminQueue orders = new AdminQueue();
        orders.setPhysicalName("orders");
        try (JMSContext context = factory.createContext()) {
            context.createProducer().send(orders, "to an admin object");
        }
        assertEquals("to an admin object", text(plainConsumer("orders").receive(10_000)));

        AdminQueue unnamed = new AdminQueue();
        InvalidDestinationException refused = assertThrows(InvalidDestinationException.class, unnamed::getQueueName);
        assertEquals(true, refused.getMessage().contains("PhysicalName"), refused.getMessage());
    }
}
