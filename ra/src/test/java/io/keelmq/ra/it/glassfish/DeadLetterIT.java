package io.keelmq.ra.it.glassfish;

import io.keelmq.ra.it.glassfish.app.Deliveries;
import io.keelmq.ra.it.glassfish.app.DeliveriesServlet;
import io.keelmq.ra.it.glassfish.app.FailingListener;
import io.keelmq.ra.testing.PlainClient;
import jakarta.jms.Message;
import jakarta.jms.TextMessage;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.net.URL;
import java.util.List;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * An MDB that throws: its transaction rolls back, the message is redelivered (JMSRedelivered), and after
 * maxReconsumeTimes redeliveries it is in DLQ.gfFailing with KeelMQ's dead-letter properties.
 */
@Order(4)
@ExtendWith({SuiteBroker.class, ArquillianExtension.class})
class DeadLetterIT {
    @Deployment(testable = false)
    static WebArchive application() {
        return Deployments.war("keel-failing", List.of("FailingListener"), FailingListener.class, Deliveries.class,
                DeliveriesServlet.class);
    }

    @ArquillianResource
    private URL base;

    @Test
    void aFailingMessageIsRedeliveredThenDeadLettered() throws Exception {
        String poison = "poison-" + UUID.randomUUID();
        try (PlainClient client = new PlainClient(SuiteBroker::url)) {
            client.send("gfFailing", false, poison);
            Message dead = client.consumer("DLQ.gfFailing").receive(60_000);
            assertNotNull(dead, "nothing in DLQ.gfFailing after 60 s");
            assertEquals(poison, ((TextMessage) dead).getText());
            assertEquals("queue://gfFailing", dead.getStringProperty("JMS_Keel_OriginalDestination"));
            assertNotNull(dead.getStringProperty("JMS_Keel_DeadLetterReason"));
            assertTrue(dead.propertyExists("JMS_Keel_DeadLetterTime"));
            int attempts = SuiteBroker.FAILING_MAX_RECONSUME_TIMES + 1;
            assertEquals(attempts, dead.getIntProperty("JMS_Keel_DeliveryCount"));

            // The bean saw the message again after its failure, never more often than the broker delivered it. (The
            // first delivery missed the bean in one run, most likely one that came while GlassFish was still starting
            // the bean, which the adapter gives back to the broker after beforeDelivery fails; it still counts.)
            List<String> seen = List.of(Http.get(base, "deliveries?queue=gfFailing").split("\n"));
            assertTrue(seen.size() >= 2 && seen.size() <= attempts, () -> "deliveries to the bean: " + seen);
            assertEquals(poison + " redelivered=true", seen.get(seen.size() - 1));
            assertTrue(seen.stream().allMatch(line -> line.startsWith(poison + " redelivered=")), seen::toString);
        }
    }
}
