package io.keelmq.ra.it.glassfish;

import io.keelmq.ra.it.glassfish.app.OrderBean;
import io.keelmq.ra.it.glassfish.app.OrderServlet;
import io.keelmq.ra.it.glassfish.app.Tables;
import io.keelmq.ra.testing.PlainClient;
import jakarta.jms.MessageConsumer;
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
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A KeelMQ message and a database row (GlassFish's embedded Derby through an XA pool, jdbc/keelOrders) in one
 * container transaction: both commit, or neither — after setRollbackOnly() and after the insert fails.
 */
@Order(3)
@ExtendWith({SuiteBroker.class, ArquillianExtension.class})
class DatabaseIT {
    @Deployment(testable = false)
    static WebArchive application() {
        return Deployments.war("keel-orders", List.of(), OrderBean.class, OrderServlet.class, Tables.class);
    }

    @ArquillianResource
    private URL base;

    @Test
    void messageAndRowCommitAndRollBackTogether() throws Exception {
        String run = UUID.randomUUID().toString();
        try (PlainClient client = new PlainClient(SuiteBroker::url)) {
            MessageConsumer orders = client.consumer("gfDbOrders");

            assertEquals("placed", Http.get(base, "orders?place=" + run + "-1"));
            assertEquals("1", Http.get(base, "orders?count=" + run + "-1"));
            assertEquals(run + "-1", SendIT.text(orders));

            assertEquals("placed", Http.get(base, "orders?place=" + run + "-2&rollback"));
            assertEquals("0", Http.get(base, "orders?count=" + run + "-2"), "the rolled-back row is there");

            // The message is sent before the insert, which fails on the duplicate key: the message goes too.
            String duplicate = Http.get(base, "orders?place=" + run + "-1");
            assertTrue(duplicate.startsWith("failed"), duplicate);
            assertEquals("1", Http.get(base, "orders?count=" + run + "-1"));

            assertEquals("placed", Http.get(base, "orders?place=" + run + "-3"));
            assertEquals(run + "-3", SendIT.text(orders), "a rolled-back order's message was delivered");
        }
    }
}
