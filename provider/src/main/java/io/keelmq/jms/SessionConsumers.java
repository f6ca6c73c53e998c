package io.keelmq.jms;

import io.keelmq.jms.provider.BrowseRequest;
import io.keelmq.jms.provider.ConsumerInfo;
import io.keelmq.jms.provider.Undelivered;
import io.keelmq.protocol.message.DestinationRef;
import io.keelmq.protocol.selector.Selector;
import io.keelmq.protocol.selector.SelectorParseException;
import jakarta.jms.Destination;
import jakarta.jms.InvalidDestinationException;
import jakarta.jms.InvalidSelectorException;
import jakarta.jms.JMSException;
import jakarta.jms.Queue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A session's consumers: creating them (and browsers), mapping every kind of subscription onto CREATE_CONSUMER's
 * headers, and keeping the open ones. Arguments are checked before anything reaches the broker, so mistakes surface
 * as the exception the spec names (an invalid selector as InvalidSelectorException at creation, not at a receive).
 */
final class SessionConsumers {
    private final KeelSession session;
    private final List<KeelMessageConsumer> open = new CopyOnWriteArrayList<>();

    SessionConsumers(KeelSession session) {
        this.session = session;
    }

    /**
     * @param subscription the name of a durable or shared subscription, null for a plain consumer
     */
    KeelMessageConsumer create(Destination destination, String selector, boolean noLocal, String subscription,
                               boolean durable, boolean shared) throws JMSException {
        session.checkClosed();
        KeelDestination target = KeelDestination.of(destination);
        boolean topic = !target.kind().isQueue();
        if (subscription != null && !topic) {
            throw new InvalidDestinationException("durable and shared subscriptions exist only on topics, not on "
                    + target);
        }
        if (target.kind().isTemporary() && !session.connection().temporaries().isLive(target)) {
            throw new InvalidDestinationException(target + " was not created by this connection or has been deleted; "
                    + "only its own connection may consume from a temporary destination (spec 6.2.2)");
        }
        String validSelector = validSelector(selector);
        KeelConnection connection = session.connection();
        long consumerId = connection.nextId();
        // noLocal is a topic notion: messages of the consumer's own connection are never "local" on a queue.
        boolean effectiveNoLocal = topic && noLocal;
        KeelMessageConsumer consumer = new KeelMessageConsumer(session, consumerId, target, validSelector,
                effectiveNoLocal, sharingKey(target, validSelector, subscription, durable, shared));
        connection.provider().createConsumer(new ConsumerInfo(session.sessionId(), consumerId, target.toRef(),
                validSelector, effectiveNoLocal, subscription, durable, shared,
                connection.options().consumeFromWhere().name(), connection.options().consumeTimestampMillis()));
        open.add(consumer);
        consumer.buffer().pullIfNeeded();
        return consumer;
    }

    /**
     * Which consumers of this session take from one stream of messages: those of one queue with one selector, and
     * those of one shared subscription (its topic and selector are fixed while it has consumers, spec 8.3.4). Other
     * topic consumers each have a subscription of their own.
     */
    private static String sharingKey(KeelDestination target, String selector, String subscription, boolean durable,
                                     boolean shared) {
        String selection = target + "\u0000" + (selector == null ? "" : selector);
        if (target.kind().isQueue()) {
            return "queue\u0000" + selection;
        }
        if (shared) {
            return (durable ? "shared-durable\u0000" : "shared\u0000") + subscription + "\u0000" + selection;
        }
        return null;
    }

    /** Whether another open consumer of this session shares {@code consumer}'s messages. */
    boolean hasSiblings(KeelMessageConsumer consumer) {
        for (KeelMessageConsumer other : open) {
            if (other != consumer && !other.isClosed() && consumer.sharingKey().equals(other.sharingKey())) {
                return true;
            }
        }
        return false;
    }

    /** A message that a sibling of {@code consumer} buffered and has not handed out, or null. */
    Taken takeFromSibling(KeelMessageConsumer consumer) {
        for (KeelMessageConsumer other : open) {
            if (other != consumer && !other.isClosed() && consumer.sharingKey().equals(other.sharingKey())) {
                Taken taken = Taken.of(other, other.buffer().poll());
                if (taken != null) {
                    return taken;
                }
            }
        }
        return null;
    }

    List<KeelMessageConsumer> all() {
        return open;
    }

    void remove(KeelMessageConsumer consumer) {
        open.remove(consumer);
    }

    boolean hasListeners() {
        for (KeelMessageConsumer consumer : open) {
            if (consumer.hasListener()) {
                return true;
            }
        }
        return false;
    }

    /** The connection started, stopped or failed: receives waiting for a message re-check. */
    void wakeUp() {
        for (KeelMessageConsumer consumer : open) {
            consumer.buffer().wakeUp();
        }
    }

    /**
     * Session close: stops every consumer and returns what they never handed to the application, including what
     * their long polls brought after they stopped. Without ending the polls (as a single consumer's close does), a
     * message the broker sent just before CLOSE_SESSION (say, one a rollback had just released) would not be listed,
     * and the broker would count it as a failed delivery and hold it back for a redelivery level.
     */
    List<Undelivered> closeAll() {
        List<Undelivered> undelivered = new ArrayList<>();
        List<KeelMessageConsumer> stopped = new ArrayList<>();
        for (KeelMessageConsumer consumer : open) {
            List<Undelivered> released = consumer.closeLocally();
            if (released != null) {
                undelivered.addAll(released);
                stopped.add(consumer);
            }
        }
        open.clear();
        for (KeelMessageConsumer consumer : stopped) {
            undelivered.addAll(consumer.buffer().endPulls());
        }
        return undelivered;
    }

    KeelQueueBrowser browser(Queue queue, String selector) throws JMSException {
        session.checkClosed();
        KeelDestination target = KeelDestination.of(queue);
        if (target.kind() != DestinationRef.Kind.QUEUE && target.kind() != DestinationRef.Kind.TEMPORARY_QUEUE) {
            throw new InvalidDestinationException("only queues can be browsed, not " + target);
        }
        String validSelector = validSelector(selector);
        // A BROWSE that reads nothing: a browser its user may not open (SECURITY) fails here, not at getEnumeration.
        session.connection().provider().browse(new BrowseRequest(target.toRef(), validSelector, 0, 0, 0));
        return new KeelQueueBrowser(session, target, validSelector);
    }

    /** @throws InvalidDestinationException if the name is null or empty */
    String subscriptionName(String name) throws JMSException {
        session.checkClosed();
        if (name == null || name.isEmpty()) {
            throw new InvalidDestinationException("a subscription name must not be null or empty");
        }
        return name;
    }

    String destinationName(String name) throws JMSException {
        session.checkClosed();
        if (name == null || name.isEmpty()) {
            throw new InvalidDestinationException("a destination name must not be null or empty");
        }
        return name;
    }

    /** The selector as the broker gets it: null for none (null, empty or blank), else checked. */
    static String validSelector(String selector) throws InvalidSelectorException {
        try {
            return Selector.parse(selector).isMatchAll() ? null : selector;
        } catch (SelectorParseException e) {
            InvalidSelectorException invalid = new InvalidSelectorException("invalid message selector '" + selector
                    + "': " + e.getMessage());
            invalid.initCause(e);
            throw invalid;
        }
    }
}
