package io.keelmq.ra.inbound;

import io.keelmq.ra.testing.TestEndpointFactory;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/**
 * An activation outlives its broker: when the broker stops, the sessions end and the activation reconnects with
 * back-off until the broker is back (also when it was down at activation), then delivers again; a transacted
 * delivery cut by the restart is redelivered, and nothing is lost.
 */
class BrokerRestartTest extends InboundTestBase {

    @Test
    void anActivationResumesAfterTheBrokerRestarts() throws Exception {
        RecordingBean bean = new RecordingBean();
        TestEndpointFactory endpoints = activate(queueSpec("orders", 2), bean, true);
        awaitSessions(2);
        send("orders", false, "before");
        // Committed, not just delivered: a delivery cut by the restart before its commit comes again, rightly.
        endpoints.awaitCommitted(1, 30_000);

        broker.restart();
        send("orders", false, "after");
        List<RecordingBean.Delivery> deliveries = bean.awaitDeliveries(2, 60_000);
        Thread.sleep(1000);
        assertEquals(List.of("before", "after"), bean.deliveries().stream().map(RecordingBean.Delivery::text)
                .toList(), "a committed delivery came again, or one is missing");
        assertEquals(2, deliveries.size());
    }

    @Test
    void anActivationMadeWhileTheBrokerIsDownDeliversOnceItIsUp() throws Exception {
        broker.stop();
        RecordingBean bean = new RecordingBean();
        activate(queueSpec("orders", 1), bean, true);
        Thread.sleep(700);
        broker.restart();
        send("orders", false, "late");
        assertEquals("late", bean.awaitDeliveries(1, 60_000).get(0).text());
    }

    @Test
    void nothingIsLostWhenTheBrokerRestartsDuringDeliveries() throws Exception {
        RecordingBean bean = new RecordingBean();
        bean.millisPerMessage = 20;
        activate(queueSpec("orders", 3), bean, true);
        awaitSessions(3);
        String[] texts = new String[60];
        for (int i = 0; i < texts.length; i++) {
            texts[i] = "m" + i;
        }
        send("orders", false, texts);
        bean.awaitDeliveries(10, 30_000);
        broker.restart();

        Set<String> expected = new TreeSet<>(List.of(texts));
        long deadline = System.currentTimeMillis() + 90_000;
        Set<String> seen = Set.of();
        while (System.currentTimeMillis() < deadline) {
            seen = bean.deliveries().stream().map(RecordingBean.Delivery::text).collect(Collectors.toSet());
            if (seen.containsAll(expected)) {
                break;
            }
            Thread.sleep(100);
        }
        assertEquals(expected, new TreeSet<>(seen), "messages lost across the restart");
        Thread.sleep(1000);
        assertNull(plainConsumer("orders").receive(500), "a delivered message is still on the queue");
    }
}
