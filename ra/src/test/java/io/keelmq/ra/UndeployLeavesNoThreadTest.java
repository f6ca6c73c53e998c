package io.keelmq.ra;

import io.keelmq.ra.inbound.KeelActivationSpec;
import io.keelmq.ra.outbound.ConnectionFactoryHandle;
import io.keelmq.ra.outbound.KeelManagedConnectionFactory;
import io.keelmq.ra.testing.ChildBroker;
import io.keelmq.ra.testing.KeelThreads;
import io.keelmq.ra.testing.Narayana;
import io.keelmq.ra.testing.TestBootstrapContext;
import io.keelmq.ra.testing.TestConnectionManager;
import io.keelmq.ra.testing.TestEndpointFactory;
import jakarta.jms.JMSContext;
import jakarta.jms.Message;
import jakarta.transaction.TransactionManager;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.transaction.xa.XAResource;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * An undeploy leaves no KeelMQ thread: with the broker in another JVM, every thread named keel* in this one is the
 * client's (shared timer, Netty event loops, the blocking transport's watchdog and readers, connection and session
 * executors). After inbound deliveries, outbound sends (blocking and Netty transports, in and outside a JTA
 * transaction), a recovery scan and a pooled connection the server never destroyed, the adapter's stop() leaves none.
 */
class UndeployLeavesNoThreadTest {
    @TempDir
    Path dir;

    @Test
    void stopLeavesNoKeelMQThreadBehind() throws Exception {
        assertEquals(Set.of(), KeelThreads.running(), "KeelMQ threads before the test");
        TransactionManager tm = Narayana.transactionManager();
        try (ChildBroker broker = ChildBroker.start(dir.resolve("broker"))) {
            TestBootstrapContext bootstrap = new TestBootstrapContext();
            KeelResourceAdapter adapter = new KeelResourceAdapter();
            adapter.setBrokerURL(broker.url());
            adapter.start(bootstrap);

            // Inbound: a transacted queue endpoint with 3 sessions.
            CountDownLatch delivered = new CountDownLatch(5);
            KeelActivationSpec spec = new KeelActivationSpec();
            spec.setDestination("orders");
            spec.setMaxSession(3);
            spec.setResourceAdapter(adapter);
            TestEndpointFactory endpoints = new TestEndpointFactory(tm, (Message m) -> delivered.countDown());
            adapter.endpointActivation(endpoints, spec);

            // Outbound: a pooled Netty factory used in a JTA transaction, and a blocking one the server never cleans.
            KeelManagedConnectionFactory netty = new KeelManagedConnectionFactory();
            netty.setBrokerURL(broker.url());
            netty.setTcpTransport("netty");
            netty.setResourceAdapter(adapter);
            TestConnectionManager pool = new TestConnectionManager(tm);
            ConnectionFactoryHandle nettyFactory = (ConnectionFactoryHandle) netty.createConnectionFactory(pool);
            tm.begin();
            try (JMSContext context = nettyFactory.createContext()) {
                context.createProducer().send(context.createQueue("orders"), "netty in a transaction");
            }
            tm.commit();
            KeelManagedConnectionFactory blocking = new KeelManagedConnectionFactory();
            blocking.setBrokerURL(broker.url());
            blocking.setResourceAdapter(adapter);
            TestConnectionManager leakyPool = new TestConnectionManager(null);
            ConnectionFactoryHandle blockingFactory = (ConnectionFactoryHandle) blocking
                    .createConnectionFactory(leakyPool);
            for (int i = 0; i < 4; i++) {
                try (JMSContext context = blockingFactory.createContext()) {
                    context.createProducer().send(context.createQueue("orders"), "blocking " + i);
                }
            }
            assertTrue(delivered.await(60, TimeUnit.SECONDS), "the endpoint did not get the 5 messages");

            // Recovery: the transaction manager's scan opens a connection of its own.
            XAResource[] recovery = adapter.getXAResources(new KeelActivationSpec[]{spec});
            assertEquals(0, recovery[0].recover(XAResource.TMSTARTRSCAN | XAResource.TMENDRSCAN).length);

            Set<String> running = KeelThreads.running();
            assertTrue(running.contains("keel-provider-timer"), "no client thread while connected: " + running);
            assertTrue(running.stream().anyMatch(name -> name.startsWith("keel-tcp-")), running.toString());

            // Undeploy: the server destroys its pool (this one), then stops the adapter; the blocking factory's
            // pooled connection is left for the adapter to close.
            pool.shutdown();
            adapter.stop();
            bootstrap.workManager().shutdown();
            assertEquals(endpoints.created(), endpoints.released());
            assertEquals(Set.of(), KeelThreads.awaitNone(), "KeelMQ threads left after the adapter stopped");
            assertFalse(leakyPool.pooled() == 0, "the test meant to leave a pooled connection to the adapter");
        }
    }
}
