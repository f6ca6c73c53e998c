package io.keelmq.jms.provider;

import jakarta.jms.JMSException;

import java.util.List;

/**
 * Outcome of a PULL. Called on the transport thread in the order frames arrive, so a consumer can tell a delivery
 * that was answered before a RECOVER from one answered after it. Implementations must not block.
 */
public interface DeliveryCallback {

    /**
     * A standing pull's partial answer: more answers follow.
     *
     * @param deliveries never empty
     */
    void onPartial(List<Delivery> deliveries);

    /**
     * The last answer, which ends the pull.
     *
     * @param deliveries empty when the hold time passed without a message (a standing pull's last answer is empty)
     */
    void onDeliveries(List<Delivery> deliveries);

    void onFailure(JMSException failure);
}
