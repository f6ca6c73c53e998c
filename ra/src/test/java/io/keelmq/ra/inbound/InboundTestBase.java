package io.keelmq.ra.inbound;

import io.keelmq.ra.KeelResourceAdapter;
import io.keelmq.ra.testing.EmbeddedBroker;
import io.keelmq.ra.testing.Narayana;
import io.keelmq.ra.testing.PlainClient;
import io.keelmq.ra.testing.TestBootstrapContext;
import io.keelmq.ra.testing.TestEndpointFactory;
import jakarta.jms.JMSException;
import jakarta.jms.MessageConsumer;
import jakarta.transaction.TransactionManager;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

/** A broker, the resource adapter started with a small BootstrapContext, and helpers to activate beans on it. */
abstract class InboundTestBase {
    @TempDir
    Path dir;
    EmbeddedBroker broker;
    KeelResourceAdapter adapter;
    TestBootstrapContext bootstrap;
    TransactionManager tm;
    PlainClient plain;

    /** The broker's maxReconsumeTimes; tests of the DLQ make it small. */
    int maxReconsumeTimes() {
        return 16;
    }

    @BeforeEach
    void startBrokerAndAdapter() throws Exception {
        broker = EmbeddedBroker.start(dir.resolve("broker"), maxReconsumeTimes());
        tm = Narayana.transactionManager();
        adapter = new KeelResourceAdapter();
        adapter.setBrokerURL(broker.url());
        bootstrap = new TestBootstrapContext();
        adapter.start(bootstrap);
        plain = new PlainClient(broker::url);
    }

    @AfterEach
    void stopAll() throws Exception {
        // The test's own client first: the adapter's stop() waits for the client's shared threads to end.
        plain.close();
        adapter.stop();
        bootstrap.workManager().shutdown();
        broker.close();
    }

    static KeelActivationSpec queueSpec(String queue, int maxSession) {
        KeelActivationSpec spec = new KeelActivationSpec();
        spec.setDestination(queue);
        spec.setDestinationType(KeelActivationSpec.QUEUE);
        spec.setMaxSession(maxSession);
        spec.setReconnectInitialDelayMillis(100L);
        spec.setReconnectMaxDelayMillis(1000L);
        return spec;
    }

    /** A container-managed-transaction bean (XA delivery) or a non-transacted one. */
    TestEndpointFactory activate(KeelActivationSpec spec, RecordingBean bean, boolean transacted) throws Exception {
        TestEndpointFactory endpoints = new TestEndpointFactory(transacted ? tm : null, bean);
        spec.setResourceAdapter(adapter);
        adapter.endpointActivation(endpoints, spec);
        return endpoints;
    }

    void send(String destination, boolean topic, String... texts) throws JMSException {
        plain.send(destination, topic, texts);
    }

    MessageConsumer plainConsumer(String queue) throws JMSException {
        return plain.consumer(queue);
    }

    /**
     * Waits (bounded) until {@code count} session works run on the WorkManager: their consumers exist, so even a
     * non-durable topic subscription gets what is sent from now on. Only session works count: the activation's
     * connection attempt is a work of the WorkManager too, and runs before any consumer exists.
     */
    void awaitSessions(int count) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 30_000;
        while (sessionsRunning() < count) {
            if (System.currentTimeMillis() > deadline) {
                throw new AssertionError("only " + sessionsRunning() + " of " + count + " sessions run after 30 s");
            }
            Thread.sleep(20);
        }
    }

    /** Session works (one per delivering session) running now. */
    int sessionsRunning() {
        return bootstrap.workManager().running(work -> work instanceof SessionWorker);
    }
}
