package io.keelmq.jms;

import io.keelmq.jms.provider.Delivery;

/** A delivery taken from a consumer's buffer, with the consumer the broker delivered it to (its acknowledger). */
record Taken(KeelMessageConsumer owner, Delivery delivery) {

    /** @return null when there is no delivery */
    static Taken of(KeelMessageConsumer owner, Delivery delivery) {
        return delivery == null ? null : new Taken(owner, delivery);
    }
}
