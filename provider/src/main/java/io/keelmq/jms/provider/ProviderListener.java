package io.keelmq.jms.provider;

import jakarta.jms.JMSException;

/** Told once when the connection to the broker is lost or refused by the broker. */
public interface ProviderListener {

    void onConnectionFailure(JMSException cause);
}
