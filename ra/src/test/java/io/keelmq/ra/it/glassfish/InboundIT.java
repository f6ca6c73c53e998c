package io.keelmq.ra.it.glassfish;

import io.keelmq.ra.it.glassfish.app.Deliveries;
import io.keelmq.ra.it.glassfish.app.DeliveriesServlet;
import io.keelmq.ra.it.glassfish.app.InboundListener;
import io.keelmq.ra.testing.PlainClient;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.net.URL;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** keel.rar's inbound side in GlassFish: an MDB with maxSession 4 receives what a plain keel-jms client sent. */
@Order(1)
@ExtendWith({SuiteBroker.class, ArquillianExtension.class})
class InboundIT {
    private static final int MESSAGES = 200;

    @Deployment(testable = false)
    static WebArchive application() {
        return Deployments.war("keel-inbound", List.of("InboundListener"), InboundListener.class, Deliveries.class,
                DeliveriesServlet.class);
    }

    @ArquillianResource
    private URL base;

    @Test
    void everyMessageIsProcessedExactlyOnceAcrossSessions() throws Exception {
        String[] texts = IntStream.range(0, MESSAGES).mapToObj(i -> "inbound-" + i).toArray(String[]::new);
        try (PlainClient client = new PlainClient(SuiteBroker::url)) {
            client.send("gfInbound", false, texts);
        }
        List<String> delivered = Await.until(60, this::deliveries, d -> d.size() >= MESSAGES);
        // A late duplicate would show up here: wait a moment more, then look again.
        Thread.sleep(2000);
        delivered = deliveries();

        Map<String, Long> counts = delivered.stream().collect(Collectors.groupingBy(Function.identity(),
                Collectors.counting()));
        assertEquals(MESSAGES, counts.size(), () -> "distinct messages processed: " + counts.keySet());
        assertEquals(Arrays.stream(texts).collect(Collectors.toSet()), counts.keySet());
        counts.forEach((text, count) -> assertEquals(1L, count, text + " processed " + count + " times"));
        int threads = Integer.parseInt(Http.get(base, "deliveries?queue=gfInbound&threads").trim());
        assertTrue(threads > 1, "maxSession=4 delivered on " + threads + " thread(s)");
    }

    private List<String> deliveries() throws Exception {
        String body = Http.get(base, "deliveries?queue=gfInbound");
        return body.isEmpty() ? List.of() : List.of(body.split("\n"));
    }
}
