package io.keelmq.ra.it.glassfish;

import io.keelmq.ra.it.glassfish.app.SendServlet;
import io.keelmq.ra.it.glassfish.app.SenderBean;
import io.keelmq.ra.testing.PlainClient;
import jakarta.jms.MessageConsumer;
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

/**
 * keel.rar's outbound side in GlassFish: a @Stateless bean sends through {@code @Resource(lookup=...)
 * ConnectionFactory} and through {@code @Inject JMSContext} in container-managed transactions; a commit delivers,
 * setRollbackOnly() delivers nothing (the next committed message is the first one a plain client receives).
 */
@Order(2)
@ExtendWith({SuiteBroker.class, ArquillianExtension.class})
class SendIT {
    @Deployment(testable = false)
    static WebArchive application() {
        return Deployments.war("keel-send", List.of(), SenderBean.class, SendServlet.class);
    }

    @ArquillianResource
    private URL base;

    @Test
    void connectionFactoryCommitDeliversAndRollbackDeliversNothing() throws Exception {
        sendCommittedAndRolledBack("factory");
    }

    @Test
    void jmsContextCommitDeliversAndRollbackDeliversNothing() throws Exception {
        sendCommittedAndRolledBack("context");
    }

    private void sendCommittedAndRolledBack(String via) throws Exception {
        String run = via + "-" + UUID.randomUUID();
        try (PlainClient client = new PlainClient(SuiteBroker::url)) {
            MessageConsumer orders = client.consumer("gfOrders");
            Http.get(base, "send?via=" + via + "&text=" + run + "-committed");
            assertEquals(run + "-committed", text(orders));

            Http.get(base, "send?via=" + via + "&text=" + run + "-rolled-back&rollback");
            Http.get(base, "send?via=" + via + "&text=" + run + "-after");
            assertEquals(run + "-after", text(orders), "the rolled-back send was delivered");
        }
    }

    static String text(MessageConsumer consumer) throws Exception {
        TextMessage message = (TextMessage) consumer.receive(30_000);
        assertNotNull(message, "nothing received in 30 s");
        return message.getText();
    }
}
