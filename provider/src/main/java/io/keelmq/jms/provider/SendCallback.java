package io.keelmq.jms.provider;

import jakarta.jms.JMSException;

/** Outcome of an asynchronous send; called on a transport thread, so implementations must hand off quickly. */
public interface SendCallback {

    void onSuccess(SendResult result);

    void onFailure(JMSException failure);
}
