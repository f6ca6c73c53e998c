package io.keelmq.jms.provider.failover;

/**
 * How a connection that fails over behaves.
 *
 * @param reconnectTimeoutMillis how long the connection keeps trying the brokers after it lost its broker before it
 *     gives up and the application's ExceptionListener hears of it
 * @param retryAnotherBrokerWhenNotStoreOK RocketMQ's option: a send answered with a status other than SEND_OK (or
 *     refused with IN_SYNC_REPLICAS_NOT_ENOUGH) is sent once more, with the same message id, after the connection
 *     moved to another broker of the URL that accepts it
 */
public record FailoverOptions(long reconnectTimeoutMillis, boolean retryAnotherBrokerWhenNotStoreOK) {

    /** What a URL listing several brokers gets when it sets no {@code reconnectTimeout}. */
    public static final long DEFAULT_RECONNECT_TIMEOUT_MILLIS = 30_000;

    public FailoverOptions {
        if (reconnectTimeoutMillis < 0) {
            throw new IllegalArgumentException("reconnectTimeout must be 0 or more, not " + reconnectTimeoutMillis);
        }
    }
}
