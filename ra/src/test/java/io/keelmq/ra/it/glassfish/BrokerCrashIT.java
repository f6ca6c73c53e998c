package io.keelmq.ra.it.glassfish;

import io.keelmq.ra.it.glassfish.app.CrashListener;
import io.keelmq.ra.it.glassfish.app.Deliveries;
import io.keelmq.ra.it.glassfish.app.DeliveriesServlet;
import io.keelmq.ra.testing.PlainClient;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.net.URL;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The broker SIGKILLed and restarted on the same port and store while an MDB consumes: the activation reconnects and
 * every message whose send the broker acknowledged is processed (at least once: a delivery cut off by the kill comes
 * again).
 */
@Order(5)
@ExtendWith({SuiteBroker.class, ArquillianExtension.class})
class BrokerCrashIT {
    private static final int EACH_SIDE = 40;

    @Deployment(testable = false)
    static WebArchive application() {
        return Deployments.war("keel-crash", List.of("CrashListener"), CrashListener.class, Deliveries.class,
                DeliveriesServlet.class);
    }

    @ArquillianResource
    private URL base;

    @Test
    void theMdbResumesAfterABrokerCrashAndLosesNothingAcknowledged() throws Exception {
        String[] before = IntStream.range(0, EACH_SIDE).mapToObj(i -> "before-" + i).toArray(String[]::new);
        String[] after = IntStream.range(0, EACH_SIDE).mapToObj(i -> "after-" + i).toArray(String[]::new);
        try (PlainClient client = new PlainClient(SuiteBroker::url)) {
            client.send("gfCrash", false, before);
        }
        Set<String> seen = Await.until(60, this::processed, s -> s.size() >= 5);
        assertTrue(seen.size() < 2 * EACH_SIDE);

        SuiteBroker.killAndRestart();
        try (PlainClient client = new PlainClient(SuiteBroker::url)) {
            client.send("gfCrash", false, after);
        }

        Set<String> expected = new HashSet<>(List.of(before));
        expected.addAll(List.of(after));
        Set<String> processed = Await.until(120, this::processed, s -> s.containsAll(expected));
        assertEquals(expected, processed, "processed after the restart");
        assertTrue(Stream.of(after).allMatch(processed::contains));
    }

    private Set<String> processed() throws Exception {
        String body = Http.get(base, "deliveries?queue=gfCrash");
        return body.isEmpty() ? Set.of() : new HashSet<>(List.of(body.split("\n")));
    }
}
