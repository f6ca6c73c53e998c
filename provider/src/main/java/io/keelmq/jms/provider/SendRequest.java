package io.keelmq.jms.provider;

/**
 * One SEND. The message is encoded once by the caller, so a retry resends exactly the same bytes (and message id,
 * by which the broker recognises a duplicate).
 *
 * @param oneway sent without expecting an answer (only for NON_PERSISTENT messages)
 * @param retry true when this is a re-send after a transport failure, or an application's resend of a message whose
 *              previous send was answered with a status other than SEND_OK: the broker looks its id up first
 * @param timeoutMillis how long to wait for the answer
 */
public record SendRequest(long sessionId, long producerId, byte[] encodedMessage, boolean oneway, boolean retry,
                          long timeoutMillis) {

    public SendRequest asRetry() {
        return new SendRequest(sessionId, producerId, encodedMessage, oneway, true, timeoutMillis);
    }
}
