package io.keelmq.ra.inbound;

import io.keelmq.ra.testing.TestEndpointFactory;
import io.keelmq.ra.testing.TestWorkManager;
import io.keelmq.jms.KeelConnectionFactory;
import jakarta.jms.Connection;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Delivery to message-driven beans through the WorkManager: each message once with maxSession concurrent sessions,
 * in an XA transaction for a transacted bean and acknowledged after onMessage for a non-transacted one; an exception
 * redelivers; deactivation stops deliveries and releases the endpoints.
 */
class InboundDeliveryTest extends InboundTestBase {

    @Test
    void aTransactedBeanWithFourSessionsGetsEveryMessageExactlyOnceOnWorkManagerThreads() throws Exception {
        RecordingBean bean = new RecordingBean();
        bean.millisPerMessage = 10;
        activate(queueSpec("orders", 4), bean, true);
        awaitSessions(4);
        String[] texts = new String[200];
        for (int i = 0; i < texts.length; i++) {
            texts[i] = "order-" + i;
        }
        send("orders", false, texts);
        List<RecordingBean.Delivery> deliveries = bean.awaitDeliveries(texts.length, 60_000);
        Thread.sleep(1000);
        deliveries = bean.deliveries();
        assertExactlyOnce(texts, deliveries);
        assertTrue(deliveries.stream().allMatch(d -> d.thread().startsWith(TestWorkManager.THREAD_PREFIX)),
                "deliveries must run on the WorkManager's threads");
        Set<String> threads = deliveries.stream().map(RecordingBean.Delivery::thread).collect(Collectors.toSet());
        assertTrue(threads.size() > 1, "4 sessions delivered on one thread only: " + threads);
        assertTrue(plainConsumer("orders").receive(500) == null, "a committed delivery left a message behind");
    }

    @Test
    void aNonTransactedBeanWithThreeSessionsGetsEveryMessageExactlyOnce() throws Exception {
        RecordingBean bean = new RecordingBean();
        activate(queueSpec("events", 3), bean, false);
        awaitSessions(3);
        String[] texts = new String[150];
        for (int i = 0; i < texts.length; i++) {
            texts[i] = "event-" + i;
        }
        send("events", false, texts);
        bean.awaitDeliveries(texts.length, 60_000);
        Thread.sleep(1000);
        assertExactlyOnce(texts, bean.deliveries());
        assertTrue(plainConsumer("events").receive(500) == null, "an acknowledged delivery left a message behind");
    }

    @Test
    void aNonTransactedBeanThatThrowsGetsTheMessageAgain() throws Exception {
        RecordingBean bean = new RecordingBean();
        bean.failWhen = d -> d.deliveryCount() == 1;
        activate(queueSpec("events", 1), bean, false);
        send("events", false, "flaky");
        List<RecordingBean.Delivery> deliveries = bean.awaitDeliveries(2, 30_000);
        assertEquals("flaky", deliveries.get(1).text());
        assertTrue(deliveries.get(1).redelivered());
        assertEquals(2, deliveries.get(1).deliveryCount());
        Thread.sleep(500);
        assertEquals(2, bean.deliveries().size(), "delivered again after it succeeded");
    }

    @Test
    void afterDeactivationNothingIsDeliveredAndEveryEndpointIsReleased() throws Exception {
        RecordingBean bean = new RecordingBean();
        KeelActivationSpec spec = queueSpec("orders", 2);
        TestEndpointFactory endpoints = activate(spec, bean, true);
        awaitSessions(2);
        send("orders", false, "before");
        bean.awaitDeliveries(1, 30_000);
        adapter.endpointDeactivation(endpoints, spec);
        assertEquals(endpoints.created(), endpoints.released(), "endpoints not released at deactivation");
        send("orders", false, "after");
        Thread.sleep(1000);
        assertEquals(1, bean.deliveries().size());
        assertEquals("after", Texts.of(plainConsumer("orders").receive(10_000)));
    }

    @Test
    void theMessageSelectorLeavesOtherMessagesOnTheQueue() throws Exception {
        KeelActivationSpec spec = queueSpec("orders", 2);
        spec.setMessageSelector("region = 'eu'");
        RecordingBean bean = new RecordingBean();
        activate(spec, bean, true);
        awaitSessions(2);
        try (Connection connection = new KeelConnectionFactory(broker.url()).createConnection()) {
            Session session = connection.createSession();
            MessageProducer producer = session.createProducer(session.createQueue("orders"));
            for (String region : new String[]{"us", "eu", "us", "eu"}) {
                TextMessage message = session.createTextMessage(region);
                message.setStringProperty("region", region);
                producer.send(message);
            }
        }
        bean.awaitDeliveries(2, 30_000);
        Thread.sleep(500);
        assertEquals(List.of("eu", "eu"), bean.deliveries().stream().map(RecordingBean.Delivery::text).toList());
        MessageConsumer rest = plainConsumer("orders");
        assertEquals("us", Texts.of(rest.receive(10_000)));
        assertEquals("us", Texts.of(rest.receive(10_000)));
    }

    static void assertExactlyOnce(String[] texts, List<RecordingBean.Delivery> deliveries) {
        Map<String, Integer> counts = new HashMap<>();
        for (RecordingBean.Delivery d : deliveries) {
            counts.merge(d.text(), 1, Integer::sum);
        }
        for (String text : texts) {
            assertEquals(1, counts.getOrDefault(text, 0), text + " delivered " + counts.get(text) + " times");
        }
        assertEquals(texts.length, deliveries.size(), "unexpected deliveries: " + deliveries.size());
    }
}
