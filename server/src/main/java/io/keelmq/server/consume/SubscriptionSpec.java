package io.keelmq.server.consume;

import io.keelmq.protocol.selector.Selector;

/**
 * What identifies and defines a topic subscription beyond its destination: the client id
 * and name of durable and shared ones, and the subscription-level selector and noLocal.
 * A queue's implicit subscription has no selector of its own (consumers bring theirs).
 */
public record SubscriptionSpec(String clientId, String name, Selector selector, boolean noLocal) {
    public static final SubscriptionSpec QUEUE = new SubscriptionSpec(null, null, Selector.MATCH_ALL, false);

    /** Same definition: replacing an inactive durable subscription is needed when this is false. */
    public boolean sameDefinition(Selector otherSelector, boolean otherNoLocal) {
        return selector.text().equals(otherSelector.text()) && noLocal == otherNoLocal;
    }
}
