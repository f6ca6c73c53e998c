package io.keelmq.ra.inbound;

import io.keelmq.ra.testing.TestEndpointFactory;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Topic subscriptions of activations: a shared durable one spread over maxSession sessions, messages kept while the
 * endpoint is deactivated; an unshared non-durable one with one session (a second would duplicate every message);
 * an unshared durable one under the activation's clientId.
 */
class TopicActivationTest extends InboundTestBase {

    private static KeelActivationSpec topicSpec(String topic, int maxSession) {
        KeelActivationSpec spec = queueSpec(topic, maxSession);
        spec.setDestinationType(KeelActivationSpec.TOPIC);
        return spec;
    }

    @Test
    void aSharedDurableSubscriptionGetsEachMessageOnceAndKeepsWhatArrivesWhileDeactivated() throws Exception {
        KeelActivationSpec spec = topicSpec("prices", 2);
        spec.setSubscriptionDurability(KeelActivationSpec.DURABLE);
        spec.setShareSubscriptions(true);
        spec.setSubscriptionName("pricing");
        RecordingBean bean = new RecordingBean();
        TestEndpointFactory endpoints = activate(spec, bean, true);
        awaitSessions(2);
        String[] texts = new String[40];
        for (int i = 0; i < texts.length; i++) {
            texts[i] = "price-" + i;
        }
        send("prices", true, texts);
        bean.awaitDeliveries(texts.length, 60_000);
        Thread.sleep(500);
        InboundDeliveryTest.assertExactlyOnce(texts, bean.deliveries());

        adapter.endpointDeactivation(endpoints, spec);
        send("prices", true, "while away");
        RecordingBean next = new RecordingBean();
        activate(spec, next, true);
        assertEquals("while away", next.awaitDeliveries(1, 30_000).get(0).text());
    }

    @Test
    void anUnsharedNonDurableSubscriptionUsesOneSessionSoEachMessageComesOnce() throws Exception {
        RecordingBean bean = new RecordingBean();
        activate(topicSpec("news", 4), bean, false);
        awaitSessions(1);
        Thread.sleep(300);
        assertEquals(1, sessionsRunning(), "an unshared topic subscription needs one session");
        send("news", true, "a", "b", "c");
        bean.awaitDeliveries(3, 30_000);
        Thread.sleep(500);
        assertEquals(List.of("a", "b", "c"), bean.deliveries().stream().map(RecordingBean.Delivery::text).toList());
    }

    @Test
    void anUnsharedDurableSubscriptionUnderTheActivationsClientIdKeepsMessages() throws Exception {
        KeelActivationSpec spec = topicSpec("alerts", 1);
        spec.setSubscriptionDurability("Durable");
        spec.setSubscriptionName("alerting");
        spec.setClientId("alert-mdb");
        RecordingBean bean = new RecordingBean();
        TestEndpointFactory endpoints = activate(spec, bean, true);
        awaitSessions(1);
        send("alerts", true, "first");
        bean.awaitDeliveries(1, 30_000);
        adapter.endpointDeactivation(endpoints, spec);
        send("alerts", true, "kept");
        RecordingBean next = new RecordingBean();
        activate(spec, next, true);
        assertEquals("kept", next.awaitDeliveries(1, 30_000).get(0).text());
    }
}
