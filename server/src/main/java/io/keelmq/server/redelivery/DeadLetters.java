package io.keelmq.server.redelivery;

import io.keelmq.protocol.message.DestinationRef;
import io.keelmq.protocol.message.WireMessage;
import io.keelmq.server.consume.Subscription;
import io.keelmq.server.consume.SubscriptionKind;
import io.keelmq.server.consume.SubscriptionSpec;
import io.keelmq.server.destination.Destination;

import java.util.List;

/**
 * Dead-letter queues: names, and the properties a dead letter carries. A dead letter is the message as it was
 * sent (id, headers, every property, body) plus the properties below, in an ordinary queue any JMS client can
 * consume or browse; JMSDestination is that queue.
 *
 * <p>Names: {@code DLQ.<queue>} for a queue; for a topic subscription {@code DLQ.<clientId>.<subscriptionName>},
 * or {@code DLQ.<subscriptionName>} when it has no client id (a shared one created without); for a non-durable
 * unshared topic subscription, which has no name, {@code DLQ.<topic>}.
 */
public final class DeadLetters {
    public static final String PREFIX = "DLQ.";
    /** Where the message was sent: {@code queue://name} or {@code topic://name}. */
    public static final String ORIGINAL_DESTINATION = "JMS_Keel_OriginalDestination";
    /** Topic dead letters only: the broker's key of the subscription that gave up (resend goes to it alone). */
    public static final String ORIGINAL_SUBSCRIPTION = "JMS_Keel_OriginalSubscription";
    /** Why, e.g. {@code maxReconsumeTimes 16 exceeded}. */
    public static final String REASON = "JMS_Keel_DeadLetterReason";
    /** The deliveries the message had, all failed (an int). */
    public static final String DELIVERY_COUNT = "JMS_Keel_DeliveryCount";
    /** When it was moved, epoch ms (a long). */
    public static final String TIME = "JMS_Keel_DeadLetterTime";
    /** The properties added above, removed again when a dead letter is resent. */
    static final List<String> ADDED = List.of(ORIGINAL_DESTINATION, ORIGINAL_SUBSCRIPTION, REASON, DELIVERY_COUNT,
            TIME);

    private DeadLetters() {
    }

    /** The dead-letter queue of {@code subscription}. */
    public static String queueName(Subscription subscription) {
        Destination destination = subscription.destination();
        SubscriptionSpec spec = subscription.spec();
        if (destination.isQueue() || subscription.kind() == SubscriptionKind.NON_DURABLE || spec.name() == null) {
            return PREFIX + destination.name();
        }
        return PREFIX + (spec.clientId() == null ? "" : spec.clientId() + ".") + spec.name();
    }

    /** {@code queue://name} or {@code topic://name}. */
    public static String uri(Destination destination) {
        return (destination.isQueue() ? "queue://" : "topic://") + destination.name();
    }

    /** Parses {@link #uri}; null if {@code uri} is not one. */
    static DestinationRef parseUri(Object uri) {
        if (uri instanceof String text) {
            if (text.startsWith("queue://") && text.length() > 8) {
                return DestinationRef.queue(text.substring(8));
            }
            if (text.startsWith("topic://") && text.length() > 8) {
                return DestinationRef.topic(text.substring(8));
            }
        }
        return null;
    }

    /** Turns {@code message} (private properties removed) into the dead letter of {@code subscription}. */
    static void mark(WireMessage message, Subscription subscription, String reason, int deliveries, long now) {
        message.setProperty(ORIGINAL_DESTINATION, uri(subscription.destination()));
        if (!subscription.destination().isQueue()) {
            message.setProperty(ORIGINAL_SUBSCRIPTION, subscription.key());
        }
        message.setProperty(REASON, reason);
        message.setProperty(DELIVERY_COUNT, deliveries);
        message.setProperty(TIME, now);
        message.setDestination(DestinationRef.queue(queueName(subscription)));
    }
}
