package io.keelmq.jms.provider;

import jakarta.jms.JMSException;

/** Told once when the connection to the broker is lost or refused by the broker; and of the broker's check-backs. */
public interface ProviderListener {

    void onConnectionFailure(JMSException cause);

    /**
     * The broker asks a member of a producer group this connection registered how a local transaction ended. Runs
     * on the transport thread: hand it over, answer later with {@link Provider#endTransaction}.
     */
    default void onTransactionCheck(TransactionCheck check) {
    }
}
