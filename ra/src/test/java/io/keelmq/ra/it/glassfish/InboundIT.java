package io.keelmq.ra.it.glassfish;

import io.keelmq.ra.it.glassfish.app.Deliveries;
import io.keelmq.ra.it.glassfish.app.DeliveriesServlet;
import io.keelmq.ra.it.glassfish.app.InboundListener;
import io.keelmq.ra.it.glassfish.app.ProcessedServlet;
import io.keelmq.ra.it.glassfish.app.Tables;
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
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * keel.rar's inbound side in GlassFish: an MDB with maxSession 4 receives what a plain keel-jms client sent, and each
 * message is processed exactly once: its row in the XA database, committed with the message's acknowledgement, is
 * there once (a delivery whose transaction rolled back, say after a timeout on a loaded machine, leaves no row and
 * comes again).
 */
@Order(1)
@ExtendWith({SuiteBroker.class, ArquillianExtension.class})
class InboundIT {
    private static final int MESSAGES = 200;

    @Deployment(testable = false)
    static WebArchive application() {
        return Deployments.war("keel-inbound", List.of("InboundListener"), InboundListener.class, Deliveries.class,
                DeliveriesServlet.class, Tables.class, ProcessedServlet.class);
    }

    @ArquillianResource
    private URL base;

    @Test
    void everyMessageIsProcessedExactlyOnceAcrossSessions() throws Exception {
        String run = "inbound-" + UUID.randomUUID() + "-";
        String[] texts = IntStream.range(0, MESSAGES).mapToObj(i -> run + i).toArray(String[]::new);
        try (PlainClient client = new PlainClient(SuiteBroker::url)) {
            client.send("gfInbound", false, texts);
        }
        Await.until(60, () -> processed(run), p -> p.size() >= MESSAGES);
        // A late duplicate would show up here: wait a moment more, then look again.
        Thread.sleep(2000);
        Map<String, Integer> processed = processed(run);

        assertEquals(Arrays.stream(texts).collect(Collectors.toSet()), processed.keySet());
        processed.forEach((text, count) -> assertEquals(1, count, text + " committed " + count + " times"));
        int threads = Integer.parseInt(Http.get(base, "deliveries?queue=gfInbound&threads").trim());
        assertTrue(threads > 1, "maxSession=4 delivered on " + threads + " thread(s)");
    }

    /** text -> how many committed rows it has. */
    private Map<String, Integer> processed(String prefix) throws Exception {
        Map<String, Integer> counts = new HashMap<>();
        for (String line : Http.get(base, "processed?prefix=" + prefix).split("\n")) {
            if (!line.isBlank()) {
                String[] textAndCount = line.trim().split(" ");
                counts.put(textAndCount[0], Integer.parseInt(textAndCount[1]));
            }
        }
        return counts;
    }
}
