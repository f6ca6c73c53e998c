package io.keelmq.jms;

import io.keelmq.jms.provider.PullRequest;
import io.keelmq.jms.provider.Provider;
import io.keelmq.protocol.frame.RequestCode;
import jakarta.jms.Connection;
import jakarta.jms.MessageConsumer;
import jakarta.jms.Queue;
import jakarta.jms.Session;
import org.junit.jupiter.api.Test;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A consumer closed while its transport thread has decided the next long poll but not yet handed it to the provider.
 * The zero-message PULL that ends the long poll must follow it: sent first, the broker answers the zero-message PULL,
 * then claims messages for the long poll, and their answer comes after CLOSE_CONSUMER, to messages nobody releases
 * until the session ends (ConsumerLifecycleJmsTest's stranded messages). The provider here holds the long poll's
 * {@code pull} call, which widens the window the race needs from microseconds to as long as the test likes.
 */
class ConsumerCloseRaceTest extends FakeBrokerTestBase {

    /** Holds the first long-poll PULL after {@link #arm()} until {@link #release()}; records every PULL's kind. */
    private static final class HeldPulls {
        private final List<String> order = new ArrayList<>();
        final CountDownLatch held = new CountDownLatch(1);
        final CountDownLatch released = new CountDownLatch(1);
        private volatile boolean armed;

        void arm() {
            armed = true;
        }

        void release() {
            released.countDown();
        }

        synchronized List<String> order() {
            return List.copyOf(order);
        }

        private synchronized void record(String kind) {
            order.add(kind);
        }

        Provider around(Provider real) {
            return (Provider) Proxy.newProxyInstance(Provider.class.getClassLoader(), new Class<?>[] {Provider.class},
                    (proxy, method, args) -> {
                        if (method.getName().equals("pull") && args[0] instanceof PullRequest request) {
                            boolean end = request.maxMessages() == 0;
                            if (!end && armed) {
                                armed = false;
                                held.countDown();
                                // Bounded: a test that fails must still end.
                                released.await(10, TimeUnit.SECONDS);
                            }
                            record(end ? "end" : "long poll");
                        }
                        try {
                            return method.invoke(real, args);
                        } catch (InvocationTargetException e) {
                            throw e.getCause();
                        }
                    });
        }
    }

    @Test
    void theZeroMessagePullFollowsALongPollDecidedBeforeClose() throws Exception {
        HeldPulls pulls = new HeldPulls();
        KeelConnectionFactory factory = new KeelConnectionFactory(broker.url("pollHoldMillis=5000")) {
            @Override
            KeelConnection newConnection(Provider provider, ConnectionOptions snapshot, Domain domain) {
                return super.newConnection(pulls.around(provider), snapshot, domain);
            }
        };
        Connection connection = track(factory.createConnection());
        connection.start();
        Session session = connection.createSession(Session.AUTO_ACKNOWLEDGE);
        Queue queue = session.createQueue("q");
        MessageConsumer consumer = session.createConsumer(queue);
        Wait.until("the consumer's first long poll", () -> broker.requests(RequestCode.PULL).size() == 1);

        // A message answers the first long poll; the transport thread then decides the next one, which is held.
        pulls.arm();
        session.createProducer(queue).send(session.createTextMessage("m"));
        assertTrue(pulls.held.await(10, TimeUnit.SECONDS), "the transport thread never issued the next long poll");

        CompletableFuture<Void> closed = CompletableFuture.runAsync(() -> {
            try {
                consumer.close();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        // Time for a close that does not wait to send its zero-message PULL ahead of the held long poll.
        Thread.sleep(300);
        assertEquals(List.of("long poll"), pulls.order(), "close sent its zero-message PULL while a long poll "
                + "decided before it was still on its way to the provider");
        pulls.release();
        closed.get(10, TimeUnit.SECONDS);
        assertEquals(List.of("long poll", "long poll", "end"), pulls.order());
    }
}
