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
import java.util.ArrayList;
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

            List<String> expected = new ArrayList<>(List.of(poison + " redelivered=false"));
            for (int i = 1; i < attempts; i++) {
                expected.add(poison + " redelivered=true");
            }
            assertEquals(expected, List.of(Http.get(base, "deliveries?queue=gfFailing").split("\n")));
        }
    }
}
