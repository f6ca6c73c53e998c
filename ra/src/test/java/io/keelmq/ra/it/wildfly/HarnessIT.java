package io.keelmq.ra.it.wildfly;

import io.keelmq.jms.KeelConnectionFactory;
import jakarta.jms.JMSContext;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.as.arquillian.api.ServerSetup;
import org.jboss.as.arquillian.api.ServerSetupTask;
import org.jboss.as.arquillian.container.ManagementClient;
import org.jboss.shrinkwrap.api.ShrinkWrap;
import org.jboss.shrinkwrap.api.asset.StringAsset;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;

@ExtendWith(ArquillianExtension.class)
@ServerSetup(HarnessIT.BrokerSetup.class)
@RunAsClient
class HarnessIT {
    public static class BrokerSetup implements ServerSetupTask {
        @Override
        public void setup(ManagementClient client, String containerId) throws Exception {
            SuiteBroker.start();
        }

        @Override
        public void tearDown(ManagementClient client, String containerId) throws Exception {
            SuiteBroker.stop();
        }
    }

    @Deployment(testable = false)
    static WebArchive trivial() {
        return ShrinkWrap.create(WebArchive.class, "trivial.war")
                .addAsWebResource(new StringAsset("pong"), "ping.txt");
    }

    @ArquillianResource
    URL base;

    @Test
    void serverAndBrokerAreUp() throws Exception {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(base + "ping.txt"))
                .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals("pong", response.body());
        try (JMSContext context = new KeelConnectionFactory(SuiteBroker.running().url()).createContext()) {
            context.createProducer().send(context.createQueue("it.ping"), "hello");
            assertEquals("hello", context.createConsumer(context.createQueue("it.ping")).receiveBody(String.class, 10_000));
        }
    }
}
