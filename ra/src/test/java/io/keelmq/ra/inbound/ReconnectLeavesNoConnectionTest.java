package io.keelmq.ra.inbound;

import io.keelmq.jms.KeelConnectionFactory;
import io.keelmq.ra.KeelResourceAdapter;
import io.keelmq.ra.testing.ChildBroker;
import io.keelmq.ra.testing.KeelThreads;
import io.keelmq.ra.testing.TestBootstrapContext;
import io.keelmq.ra.testing.TestEndpointFactory;
import jakarta.jms.JMSContext;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.resource.ResourceException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Set;
import java.util.Timer;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * An activation keeps exactly one connection across a lost connection, and deactivation leaves none, whatever the
 * reconnection was doing. When the broker dies, each of the activation's sessions and its exception listener report
 * the loss, often at the same instant; one reconnection must follow, not one per report (each would open a connection
 * with maxSession sessions, the activation would keep the last and lose track of the others, and an undeploy would
 * leave their threads in the server: what WildFly's undeploy test saw after the broker restart). The broker runs in a
 * child JVM, so every keel* thread here is the client's.
 */
class ReconnectLeavesNoConnectionTest {
    private static final int SESSIONS = 15;
    private static final long DELIVERY_MILLIS = 60_000;
    /** Longer than every back-off a duplicated reconnection could be waiting (100 ms doubling to 800 ms). */
    private static final long BACK_OFF_SETTLED_MILLIS = 4_000;

    @TempDir
    Path dir;

    /** A loss reported by every session and the exception listener at once, made certain by a barrier. */
    @Test
    void lossReportedByEverySessionAtOnceIsFollowedByOneReconnection() throws Exception {
        assertEquals(Set.of(), KeelThreads.running(), "KeelMQ threads before the test");
        try (ChildBroker broker = ChildBroker.start(dir.resolve("broker"))) {
            TestBootstrapContext bootstrap = new TestBootstrapContext();
            KeelResourceAdapter adapter = adapter(broker);
            KeelActivationSpec spec = spec(adapter);
            Texts texts = new Texts();
            Timer timer = bootstrap.createTimer();
            Activation activation = new Activation(texts.endpoints, spec, ActivationTarget.resolve(adapter, spec),
                    bootstrap.getWorkManager(), timer);
            activation.start();
            send(broker, "before");
            // Delivering: the connection of generation 1 is installed and its sessions run.
            texts.await("before");
            assertEquals(1, awaitReaders(1), "the activation's connection");

            int reporters = SESSIONS + 1;
            CyclicBarrier together = new CyclicBarrier(reporters);
            ExecutorService threads = Executors.newFixedThreadPool(reporters);
            for (int i = 0; i < reporters; i++) {
                threads.execute(() -> {
                    try {
                        together.await(30, TimeUnit.SECONDS);
                        activation.connectionLost(1, new JMSException("lost (reported by the test)"));
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                });
            }
            threads.shutdown();
            assertTrue(threads.awaitTermination(60, TimeUnit.SECONDS), "the reports did not return");
            Thread.sleep(BACK_OFF_SETTLED_MILLIS);
            send(broker, "after");
            texts.await("after");
            assertEquals(1, awaitReaders(1), "connections of the one activation after it reconnected");

            activation.stop();
            timer.cancel();
            bootstrap.workManager().shutdown();
            assertEquals(Set.of(), KeelThreads.awaitNone(), "KeelMQ threads left after deactivation");
        }
    }

    /** The real thing: a SIGKILLed broker restarted on its port; then the adapter stops. */
    @Test
    void afterABrokerCrashTheActivationHasOneConnectionAndStopLeavesNoThread() throws Exception {
        assertEquals(Set.of(), KeelThreads.running(), "KeelMQ threads before the test");
        ChildBroker broker = ChildBroker.start(dir.resolve("broker"));
        try {
            TestBootstrapContext bootstrap = new TestBootstrapContext();
            KeelResourceAdapter adapter = adapter(broker);
            Texts texts = activated(adapter, bootstrap, broker);

            broker.kill();
            broker = ChildBroker.start(dir.resolve("broker"), broker.port());
            Thread.sleep(BACK_OFF_SETTLED_MILLIS);
            send(broker, "after");
            texts.await("after");
            assertEquals(1, awaitReaders(1), "connections of the one activation after the broker restarted");

            adapter.stop();
            bootstrap.workManager().shutdown();
            assertEquals(Set.of(), KeelThreads.awaitNone(), "KeelMQ threads left after the adapter stopped");
        } finally {
            broker.close();
        }
    }

    @Test
    void deactivationWhileTheBrokerIsDownLeavesNoConnectionWhenItComesBack() throws Exception {
        assertEquals(Set.of(), KeelThreads.running(), "KeelMQ threads before the test");
        ChildBroker broker = ChildBroker.start(dir.resolve("broker"));
        try {
            TestBootstrapContext bootstrap = new TestBootstrapContext();
            KeelResourceAdapter adapter = adapter(broker);
            Texts texts = activated(adapter, bootstrap, broker);

            broker.kill();
            Thread.sleep(300);
            adapter.endpointDeactivation(texts.endpoints, texts.spec);
            broker = ChildBroker.start(dir.resolve("broker"), broker.port());
            // Any reconnection still scheduled would have connected by now.
            Thread.sleep(BACK_OFF_SETTLED_MILLIS);
            assertEquals(Set.of(), KeelThreads.awaitNone(), "KeelMQ threads left after deactivation");
            assertEquals(texts.endpoints.created(), texts.endpoints.released(), "endpoints not released");
            adapter.stop();
            bootstrap.workManager().shutdown();
        } finally {
            broker.close();
        }
    }

    /** The texts an endpoint received, and the activation it is bound to. */
    private static final class Texts {
        final Set<String> received = ConcurrentHashMap.newKeySet();
        final TestEndpointFactory endpoints = new TestEndpointFactory(null, (Message m) -> {
            try {
                received.add(m.getBody(String.class));
            } catch (JMSException e) {
                throw new IllegalStateException(e);
            }
        });
        KeelActivationSpec spec;

        void await(String text) throws InterruptedException {
            long deadline = System.currentTimeMillis() + DELIVERY_MILLIS;
            while (!received.contains(text) && System.currentTimeMillis() < deadline) {
                Thread.sleep(50);
            }
            assertTrue(received.contains(text), "the endpoint did not get " + text + "; it got " + received);
        }
    }

    /** The adapter started with an endpoint activated, which got a first message. */
    private static Texts activated(KeelResourceAdapter adapter, TestBootstrapContext bootstrap, ChildBroker broker)
            throws Exception {
        Texts texts = new Texts();
        texts.spec = spec(adapter);
        adapter.start(bootstrap);
        adapter.endpointActivation(texts.endpoints, texts.spec);
        send(broker, "before");
        texts.await("before");
        assertEquals(1, awaitReaders(1), "one connection before the crash");
        return texts;
    }

    private static KeelResourceAdapter adapter(ChildBroker broker) {
        KeelResourceAdapter adapter = new KeelResourceAdapter();
        adapter.setBrokerURL(broker.url());
        return adapter;
    }

    private static KeelActivationSpec spec(KeelResourceAdapter adapter) throws ResourceException {
        KeelActivationSpec spec = new KeelActivationSpec();
        spec.setDestination("orders");
        spec.setMaxSession(SESSIONS);
        spec.setReconnectInitialDelayMillis(100L);
        spec.setReconnectMaxDelayMillis(800L);
        spec.setResourceAdapter(adapter);
        return spec;
    }

    private static void send(ChildBroker broker, String text) throws Exception {
        try (JMSContext context = new KeelConnectionFactory(broker.url()).createContext()) {
            context.createProducer().send(context.createQueue("orders"), text);
        }
    }

    /** The blocking transport has one reader thread per connection: waits (bounded) for {@code expected} of them. */
    private static long awaitReaders(int expected) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 20_000;
        long readers = readers();
        while (readers != expected && System.currentTimeMillis() < deadline) {
            Thread.sleep(100);
            readers = readers();
        }
        return readers;
    }

    private static long readers() {
        return KeelThreads.running().stream().filter(name -> name.startsWith("keel-tcp-reader-")).count();
    }
}
