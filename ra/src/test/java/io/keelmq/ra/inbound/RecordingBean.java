package io.keelmq.ra.inbound;

import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.MessageListener;
import jakarta.jms.TextMessage;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

/**
 * A message-driven bean for tests: records every delivery (text, delivery count, thread), how many ran at once, and
 * throws for the messages {@link #failWhen} selects.
 */
final class RecordingBean implements MessageListener {
    record Delivery(String text, int deliveryCount, boolean redelivered, String thread) {
    }

    private final List<Delivery> deliveries = new ArrayList<>();
    private final AtomicInteger concurrent = new AtomicInteger();
    private final AtomicInteger maxConcurrent = new AtomicInteger();
    volatile Predicate<Delivery> failWhen = d -> false;
    volatile long millisPerMessage;

    @Override
    public void onMessage(Message message) {
        int now = concurrent.incrementAndGet();
        maxConcurrent.accumulateAndGet(now, Math::max);
        try {
            Delivery delivery = new Delivery(((TextMessage) message).getText(),
                    message.getIntProperty("JMSXDeliveryCount"), message.getJMSRedelivered(),
                    Thread.currentThread().getName());
            synchronized (deliveries) {
                deliveries.add(delivery);
                deliveries.notifyAll();
            }
            if (millisPerMessage > 0) {
                Thread.sleep(millisPerMessage);
            }
            if (failWhen.test(delivery)) {
                throw new IllegalStateException("the bean fails on purpose for " + delivery);
            }
        } catch (JMSException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            concurrent.decrementAndGet();
        }
    }

    List<Delivery> deliveries() {
        synchronized (deliveries) {
            return new ArrayList<>(deliveries);
        }
    }

    /** Waits until at least {@code count} deliveries happened; returns them all. */
    List<Delivery> awaitDeliveries(int count, long timeoutMillis) throws InterruptedException {
        long deadline = System.currentTimeMillis() + timeoutMillis;
        synchronized (deliveries) {
            while (deliveries.size() < count) {
                long left = deadline - System.currentTimeMillis();
                if (left <= 0) {
                    throw new AssertionError("only " + deliveries.size() + " of " + count + " deliveries within "
                            + timeoutMillis + " ms: " + deliveries);
                }
                deliveries.wait(left);
            }
            return new ArrayList<>(deliveries);
        }
    }

    int maxConcurrent() {
        return maxConcurrent.get();
    }
}
