package io.keelmq.ra.inbound;

import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A transacted bean whose delivery rolls back (it throws, or the container's transaction is marked rollback-only)
 * gets the message again through the broker's redelivery levels, with JMSXDeliveryCount rising, and after
 * maxReconsumeTimes redeliveries the message is in DLQ.&lt;queue&gt; with the dead-letter properties, delivered no
 * more.
 */
class TransactedRedeliveryTest extends InboundTestBase {

    @Override
    int maxReconsumeTimes() {
        return 2;
    }

    @Test
    void aBeanThatAlwaysThrowsSeesTheMessageOncePlusMaxReconsumeTimesThenItIsInTheDlq() throws Exception {
        RecordingBean bean = new RecordingBean();
        bean.failWhen = d -> true;
        activate(queueSpec("payments", 2), bean, true);
        send("payments", false, "poison");

        List<RecordingBean.Delivery> deliveries = bean.awaitDeliveries(3, 60_000);
        assertEquals(List.of(1, 2, 3), deliveries.stream().map(RecordingBean.Delivery::deliveryCount).toList());
        assertFalse(deliveries.get(0).redelivered());
        assertTrue(deliveries.get(1).redelivered() && deliveries.get(2).redelivered());

        MessageConsumer dlq = plainConsumer("DLQ.payments");
        Message dead = dlq.receive(30_000);
        assertEquals("poison", Texts.of(dead));
        assertEquals("queue://payments", dead.getStringProperty("JMS_Keel_OriginalDestination"));
        assertTrue(dead.propertyExists("JMS_Keel_DeadLetterReason"));
        assertEquals(3, dead.getIntProperty("JMS_Keel_DeliveryCount"));
        Thread.sleep(1000);
        assertEquals(3, bean.deliveries().size(), "delivered again after it went to the DLQ");
        assertNull(plainConsumer("payments").receive(500), "the message is still on its queue");
    }

    @Test
    void aRollbackOnlyTransactionRedeliversAndTheNextCommitAcknowledges() throws Exception {
        RecordingBean bean = new RecordingBean();
        bean.failWhen = d -> d.deliveryCount() == 1;
        activate(queueSpec("payments", 1), bean, true);
        send("payments", false, "retry me");

        List<RecordingBean.Delivery> deliveries = bean.awaitDeliveries(2, 30_000);
        assertEquals("retry me", deliveries.get(1).text());
        assertEquals(2, deliveries.get(1).deliveryCount());
        Thread.sleep(1000);
        assertEquals(2, bean.deliveries().size(), "delivered again after the commit");
        assertNull(plainConsumer("DLQ.payments").receive(500));
        assertNull(plainConsumer("payments").receive(500), "the committed delivery did not acknowledge");
    }
}
