package io.keelmq.server.jms;

import io.keelmq.jms.KeelConnectionFactory;
import io.keelmq.server.Broker;
import io.keelmq.server.vm.KeelInVmBrokerFactory;
import jakarta.jms.DeliveryMode;
import jakarta.jms.JMSConsumer;
import jakarta.jms.JMSContext;
import jakarta.jms.Queue;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** vm://: a JMSContext starts an in-process broker with the URL's broker.* settings and uses it. */
class InVmJmsTest {
    private static final String NAME = "test-broker";

    @TempDir
    Path dir;

    @AfterEach
    void stopInVmBroker() {
        Broker broker = KeelInVmBrokerFactory.find(NAME);
        if (broker != null) {
            broker.close();
        }
    }

    @Test
    void jmsContextSendsAndReceivesThroughAnInVmBroker() throws Exception {
        Path store = dir.resolve("vm-store");
        String url = "vm://" + NAME + "?broker.storePathRootDir="
                + URLEncoder.encode(store.toString(), StandardCharsets.UTF_8)
                + "&broker.mappedFileSizeCommitLog=4194304&broker.maxMessageSize=1048576";
        try (JMSContext context = new KeelConnectionFactory(url).createContext()) {
            Queue queue = context.createQueue("in-vm");
            context.createProducer().setDeliveryMode(DeliveryMode.PERSISTENT).send(queue, "hello in-VM");
            context.createProducer().send(queue, Map.of("k", 7));
            JMSConsumer consumer = context.createConsumer(queue);
            assertEquals("hello in-VM", consumer.receiveBody(String.class, 10_000));
            Map<?, ?> map = consumer.receiveBody(Map.class, 10_000);
            assertNotNull(map);
            assertEquals(7, map.get("k"));
            assertNull(consumer.receiveNoWait());
        }
        // The broker.* options reached the broker: it keeps its data where the URL said.
        Broker broker = KeelInVmBrokerFactory.find(NAME);
        assertNotNull(broker, "the in-VM broker runs");
        assertEquals(store.toAbsolutePath(), broker.config().storePathRootDir().toAbsolutePath());
        assertTrue(Files.isDirectory(store), "store created at " + store);
    }
}
