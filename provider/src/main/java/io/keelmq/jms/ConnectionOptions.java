package io.keelmq.jms;

import io.keelmq.jms.provider.BrokerURL;
import io.keelmq.jms.provider.failover.FailoverOptions;
import io.keelmq.jms.transport.TcpTransportType;
import io.keelmq.jms.transport.TlsOptions;
import jakarta.jms.JMSException;

import java.io.Serializable;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.BiConsumer;
import java.util.function.Function;

/**
 * The settings a connection factory hands to each connection. Names and defaults follow RocketMQ's client where
 * the idea is the same, so its users find what they know; each one is also a URL option of the same name
 * (case-insensitive) and a bean property of {@link KeelConnectionFactory}.
 *
 * <p>Options whose name starts with {@value #BROKER_OPTION_PREFIX} are broker settings for a {@code vm://} broker
 * the connection may start; the prefix is removed before they are passed on.
 */
public final class ConnectionOptions implements Serializable {
    private static final long serialVersionUID = 1L;

    public static final String BROKER_OPTION_PREFIX = "broker.";

    private String clientID;
    private String user;
    private String password;
    /** RocketMQ's DefaultMQProducer default; here it bounds each attempt of a send, retries included separately. */
    private long sendMsgTimeout = 3000;
    private int retryTimesWhenSendFailed = 2;
    private int retryTimesWhenSendAsyncFailed = 2;
    private int pullThresholdForQueue = 1000;
    /** In MiB, as in RocketMQ. */
    private int pullThresholdSizeForQueue = 100;
    /** RocketMQ's broker suspend time for long polling. */
    private long pollHoldMillis = 15000;
    private long heartbeatInterval = 10000;
    private long requestTimeout = 30000;
    private boolean throwOnSendStatus = true;
    /** Null: not set (a URL of several brokers fails over with the default, a URL of one broker does not). */
    private Long reconnectTimeout;
    private boolean retryAnotherBrokerWhenNotStoreOK;
    private String trustStore;
    private String trustStorePassword;
    private String trustStoreType = TlsOptions.DEFAULT_STORE_TYPE;
    private String keyStore;
    private String keyStorePassword;
    private String keyStoreType = TlsOptions.DEFAULT_STORE_TYPE;
    private boolean verifyHost = true;
    /** Null: the default, {@link TcpTransportType#BLOCKING}. */
    private TcpTransportType tcpTransport;
    private ConsumeFromWhere consumeFromWhere = ConsumeFromWhere.CONSUME_FROM_LAST_OFFSET;
    /** Epoch milliseconds; 0: not set (CONSUME_FROM_TIMESTAMP then starts half an hour back, as RocketMQ does). */
    private long consumeTimestamp;
    private Map<String, String> brokerOptions = new LinkedHashMap<>();

    private record Option(String name, BiConsumer<ConnectionOptions, String> setter,
                          Function<ConnectionOptions, Object> getter) {
    }

    private static final Map<String, Option> OPTIONS = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);

    static {
        option("clientID", (o, v) -> o.setClientID(v), ConnectionOptions::getClientID);
        option("user", (o, v) -> o.setUser(v), ConnectionOptions::getUser);
        option("password", (o, v) -> o.setPassword(v), ConnectionOptions::getPassword);
        option("sendMsgTimeout", (o, v) -> o.setSendMsgTimeout(parseLong(v)), ConnectionOptions::getSendMsgTimeout);
        option("retryTimesWhenSendFailed", (o, v) -> o.setRetryTimesWhenSendFailed(parseInt(v)),
                ConnectionOptions::getRetryTimesWhenSendFailed);
        option("retryTimesWhenSendAsyncFailed", (o, v) -> o.setRetryTimesWhenSendAsyncFailed(parseInt(v)),
                ConnectionOptions::getRetryTimesWhenSendAsyncFailed);
        option("pullThresholdForQueue", (o, v) -> o.setPullThresholdForQueue(parseInt(v)),
                ConnectionOptions::getPullThresholdForQueue);
        option("pullThresholdSizeForQueue", (o, v) -> o.setPullThresholdSizeForQueue(parseInt(v)),
                ConnectionOptions::getPullThresholdSizeForQueue);
        option("pollHoldMillis", (o, v) -> o.setPollHoldMillis(parseLong(v)), ConnectionOptions::getPollHoldMillis);
        option("heartbeatInterval", (o, v) -> o.setHeartbeatInterval(parseLong(v)),
                ConnectionOptions::getHeartbeatInterval);
        option("requestTimeout", (o, v) -> o.setRequestTimeout(parseLong(v)), ConnectionOptions::getRequestTimeout);
        option("throwOnSendStatus", (o, v) -> o.setThrowOnSendStatus(parseBoolean(v)),
                ConnectionOptions::isThrowOnSendStatus);
        option("reconnectTimeout", (o, v) -> o.setReconnectTimeout(v), ConnectionOptions::getReconnectTimeout);
        option("retryAnotherBrokerWhenNotStoreOK", (o, v) -> o.setRetryAnotherBrokerWhenNotStoreOK(parseBoolean(v)),
                ConnectionOptions::isRetryAnotherBrokerWhenNotStoreOK);
        option("trustStore", (o, v) -> o.setTrustStore(v), ConnectionOptions::getTrustStore);
        option("trustStorePassword", (o, v) -> o.setTrustStorePassword(v), ConnectionOptions::getTrustStorePassword);
        option("trustStoreType", (o, v) -> o.setTrustStoreType(v), ConnectionOptions::getTrustStoreType);
        option("keyStore", (o, v) -> o.setKeyStore(v), ConnectionOptions::getKeyStore);
        option("keyStorePassword", (o, v) -> o.setKeyStorePassword(v), ConnectionOptions::getKeyStorePassword);
        option("keyStoreType", (o, v) -> o.setKeyStoreType(v), ConnectionOptions::getKeyStoreType);
        option("verifyHost", (o, v) -> o.setVerifyHost(parseBoolean(v)), ConnectionOptions::isVerifyHost);
        option("tcpTransport", (o, v) -> o.setTcpTransport(v), ConnectionOptions::getTcpTransport);
        option("consumeFromWhere", (o, v) -> o.setConsumeFromWhere(v), ConnectionOptions::getConsumeFromWhere);
        option("consumeTimestamp", (o, v) -> o.setConsumeTimestamp(v), ConnectionOptions::getConsumeTimestamp);
    }

    private static void option(String name, BiConsumer<ConnectionOptions, String> setter,
                               Function<ConnectionOptions, Object> getter) {
        OPTIONS.put(name, new Option(name, setter, getter));
    }

    /**
     * Sets one option from its text, as written in a URL or a JNDI property.
     *
     * @throws JMSException naming the option if it is unknown or the value is invalid
     */
    public void apply(String name, String value) throws JMSException {
        if (name.regionMatches(true, 0, BROKER_OPTION_PREFIX, 0, BROKER_OPTION_PREFIX.length())
                && name.length() > BROKER_OPTION_PREFIX.length()) {
            brokerOptions.put(name.substring(BROKER_OPTION_PREFIX.length()), value);
            return;
        }
        Option option = OPTIONS.get(name);
        if (option == null) {
            throw new JMSException("unknown connection option '" + name + "'; known options are "
                    + OPTIONS.keySet() + " and " + BROKER_OPTION_PREFIX + "* for an in-VM broker");
        }
        try {
            option.setter.accept(this, value);
        } catch (IllegalArgumentException e) {
            throw new JMSException("invalid value '" + value + "' for connection option '" + option.name + "': "
                    + e.getMessage());
        }
    }

    /** Every option that differs from nothing (null), by its canonical name, as text: for JNDI references. */
    public Map<String, String> toProperties() {
        Map<String, String> properties = new LinkedHashMap<>();
        for (Option option : OPTIONS.values()) {
            Object value = option.getter.apply(this);
            if (value != null) {
                properties.put(option.name, value.toString());
            }
        }
        brokerOptions.forEach((k, v) -> properties.put(BROKER_OPTION_PREFIX + k, v));
        return properties;
    }

    public ConnectionOptions copy() {
        ConnectionOptions copy = new ConnectionOptions();
        copy.clientID = clientID;
        copy.user = user;
        copy.password = password;
        copy.sendMsgTimeout = sendMsgTimeout;
        copy.retryTimesWhenSendFailed = retryTimesWhenSendFailed;
        copy.retryTimesWhenSendAsyncFailed = retryTimesWhenSendAsyncFailed;
        copy.pullThresholdForQueue = pullThresholdForQueue;
        copy.pullThresholdSizeForQueue = pullThresholdSizeForQueue;
        copy.pollHoldMillis = pollHoldMillis;
        copy.heartbeatInterval = heartbeatInterval;
        copy.requestTimeout = requestTimeout;
        copy.throwOnSendStatus = throwOnSendStatus;
        copy.reconnectTimeout = reconnectTimeout;
        copy.retryAnotherBrokerWhenNotStoreOK = retryAnotherBrokerWhenNotStoreOK;
        copy.trustStore = trustStore;
        copy.trustStorePassword = trustStorePassword;
        copy.trustStoreType = trustStoreType;
        copy.keyStore = keyStore;
        copy.keyStorePassword = keyStorePassword;
        copy.keyStoreType = keyStoreType;
        copy.verifyHost = verifyHost;
        copy.tcpTransport = tcpTransport;
        copy.consumeFromWhere = consumeFromWhere;
        copy.consumeTimestamp = consumeTimestamp;
        copy.brokerOptions = new LinkedHashMap<>(brokerOptions);
        return copy;
    }

    private static long parseLong(String value) {
        try {
            return Long.parseLong(value.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("not a whole number");
        }
    }

    private static int parseInt(String value) {
        try {
            return Integer.parseInt(value.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("not a whole number in the int range");
        }
    }

    private static boolean parseBoolean(String value) {
        String v = value.trim();
        if (v.equalsIgnoreCase("true") || v.equalsIgnoreCase("false")) {
            return Boolean.parseBoolean(v);
        }
        throw new IllegalArgumentException("expected true or false");
    }

    private static long atLeast(long value, long min, String name) {
        if (value < min) {
            throw new IllegalArgumentException(name + " must be at least " + min + ", not " + value);
        }
        return value;
    }

    // ---------------------------------------------------------------- bean properties

    public String getClientID() {
        return clientID;
    }

    /** The client id every connection gets at handshake; null or empty for none. */
    public void setClientID(String clientID) {
        this.clientID = clientID == null || clientID.isEmpty() ? null : clientID;
    }

    public String getUser() {
        return user;
    }

    public void setUser(String user) {
        this.user = user;
    }

    public String getPassword() {
        return password;
    }

    public void setPassword(String password) {
        this.password = password;
    }

    public long getSendMsgTimeout() {
        return sendMsgTimeout;
    }

    /** Milliseconds a persistent send waits for the broker's answer, per attempt. */
    public void setSendMsgTimeout(long sendMsgTimeout) {
        this.sendMsgTimeout = atLeast(sendMsgTimeout, 1, "sendMsgTimeout");
    }

    public int getRetryTimesWhenSendFailed() {
        return retryTimesWhenSendFailed;
    }

    public void setRetryTimesWhenSendFailed(int retryTimesWhenSendFailed) {
        this.retryTimesWhenSendFailed = (int) atLeast(retryTimesWhenSendFailed, 0, "retryTimesWhenSendFailed");
    }

    public int getRetryTimesWhenSendAsyncFailed() {
        return retryTimesWhenSendAsyncFailed;
    }

    public void setRetryTimesWhenSendAsyncFailed(int retryTimesWhenSendAsyncFailed) {
        this.retryTimesWhenSendAsyncFailed =
                (int) atLeast(retryTimesWhenSendAsyncFailed, 0, "retryTimesWhenSendAsyncFailed");
    }

    public int getPullThresholdForQueue() {
        return pullThresholdForQueue;
    }

    /**
     * Most messages a consumer buffers ahead of the application (its prefetch window). 0: no prefetch, a consumer
     * asks the broker for one message only while a receive() waits for it (or its listener is idle), so slow consumers
     * competing for a queue share it by who is ready (Artemis's consumerWindowSize=0).
     */
    public void setPullThresholdForQueue(int pullThresholdForQueue) {
        this.pullThresholdForQueue = (int) atLeast(pullThresholdForQueue, 0, "pullThresholdForQueue");
    }

    public int getPullThresholdSizeForQueue() {
        return pullThresholdSizeForQueue;
    }

    /** Most MiB of encoded messages a consumer buffers ahead of the application. */
    public void setPullThresholdSizeForQueue(int pullThresholdSizeForQueue) {
        this.pullThresholdSizeForQueue = (int) atLeast(pullThresholdSizeForQueue, 1, "pullThresholdSizeForQueue");
    }

    /** {@link #getPullThresholdSizeForQueue()} in bytes. */
    public long pullThresholdBytes() {
        return pullThresholdSizeForQueue * 1024L * 1024L;
    }

    public long getPollHoldMillis() {
        return pollHoldMillis;
    }

    /** How long the broker may hold a PULL when nothing is available (long polling); 0 polls without holding. */
    public void setPollHoldMillis(long pollHoldMillis) {
        this.pollHoldMillis = atLeast(pollHoldMillis, 0, "pollHoldMillis");
    }

    public long getHeartbeatInterval() {
        return heartbeatInterval;
    }

    /** The heartbeat interval proposed at handshake, in ms; 0 proposes none. */
    public void setHeartbeatInterval(long heartbeatInterval) {
        this.heartbeatInterval = atLeast(heartbeatInterval, 0, "heartbeatInterval");
    }

    public long getRequestTimeout() {
        return requestTimeout;
    }

    /** Milliseconds to connect and to wait for the answer to any request but a send or a held pull. */
    public void setRequestTimeout(long requestTimeout) {
        this.requestTimeout = atLeast(requestTimeout, 1, "requestTimeout");
    }

    public boolean isThrowOnSendStatus() {
        return throwOnSendStatus;
    }

    /** Whether a persistent send whose status is not SEND_OK throws {@link SendStatusException}. */
    public void setThrowOnSendStatus(boolean throwOnSendStatus) {
        this.throwOnSendStatus = throwOnSendStatus;
    }

    /** Milliseconds, or null when not set. */
    public Long getReconnectTimeout() {
        return reconnectTimeout;
    }

    /**
     * How long, in ms, a connection that lost its broker keeps trying the brokers of its URL before it fails and the
     * ExceptionListener hears of it. Setting it (0 or more) makes a URL of one broker fail over too (reconnect to
     * it); 0 on a URL of several brokers turns failover off. Null or empty unsets it: a URL of several brokers then
     * fails over for {@value FailoverOptions#DEFAULT_RECONNECT_TIMEOUT_MILLIS} ms, a URL of one broker does not.
     */
    public void setReconnectTimeout(String value) {
        this.reconnectTimeout = value == null || value.isBlank() ? null : atLeast(parseLong(value), 0,
                "reconnectTimeout");
    }

    public boolean isRetryAnotherBrokerWhenNotStoreOK() {
        return retryAnotherBrokerWhenNotStoreOK;
    }

    /**
     * RocketMQ's option: a persistent send answered with a status other than SEND_OK, or refused with
     * IN_SYNC_REPLICAS_NOT_ENOUGH, is sent once more, with the same message id, after the connection moved to
     * another broker of the URL that accepts it. Turns failover on.
     */
    public void setRetryAnotherBrokerWhenNotStoreOK(boolean value) {
        this.retryAnotherBrokerWhenNotStoreOK = value;
    }

    /**
     * How a connection to {@code url} fails over, or null when it does not: a {@code vm://} URL, or a URL of one
     * broker without {@code reconnectTimeout} and retryAnotherBrokerWhenNotStoreOK (it behaves exactly as without
     * failover), or {@code reconnectTimeout=0} without retryAnotherBrokerWhenNotStoreOK.
     */
    public FailoverOptions failoverOptions(BrokerURL url) {
        if (!url.scheme().isTcp()) {
            return null;
        }
        boolean several = url.addresses().size() > 1;
        boolean wanted = retryAnotherBrokerWhenNotStoreOK
                || (reconnectTimeout == null ? several : reconnectTimeout > 0);
        if (!wanted) {
            return null;
        }
        long timeout = reconnectTimeout != null ? reconnectTimeout : FailoverOptions.DEFAULT_RECONNECT_TIMEOUT_MILLIS;
        return new FailoverOptions(timeout, retryAnotherBrokerWhenNotStoreOK);
    }

    public String getConsumeFromWhere() {
        return consumeFromWhere.name();
    }

    /** The {@link ConsumeFromWhere} of durable subscriptions this connection creates, by name. */
    public void setConsumeFromWhere(String value) {
        try {
            this.consumeFromWhere = ConsumeFromWhere.valueOf(value.trim());
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new IllegalArgumentException("expected one of " + java.util.Arrays.toString(ConsumeFromWhere.values()));
        }
    }

    public ConsumeFromWhere consumeFromWhere() {
        return consumeFromWhere;
    }

    /** {@link #getConsumeTimestamp()} in epoch milliseconds, 0 if not set. */
    public long consumeTimestampMillis() {
        return consumeTimestamp;
    }

    /** The start time of {@link ConsumeFromWhere#CONSUME_FROM_TIMESTAMP} in epoch milliseconds, null if not set. */
    public String getConsumeTimestamp() {
        return consumeTimestamp == 0 ? null : Long.toString(consumeTimestamp);
    }

    /** Epoch milliseconds or an ISO-8601 instant ({@code 2026-11-21T16:00:00Z}); null or empty unsets it. */
    public void setConsumeTimestamp(String value) {
        if (value == null || value.isBlank()) {
            consumeTimestamp = 0;
            return;
        }
        String text = value.trim();
        try {
            consumeTimestamp = text.chars().allMatch(Character::isDigit) ? Long.parseLong(text)
                    : java.time.Instant.parse(text).toEpochMilli();
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("expected epoch milliseconds or an ISO-8601 instant such as "
                    + "2026-11-21T16:00:00Z");
        }
    }

    public String getTrustStore() {
        return trustStore;
    }

    /**
     * {@code keel+ssl://}: the trust store file holding the CA (or the certificate) the broker's certificate must
     * chain to; null or empty trusts the JVM's default CAs ({@code javax.net.ssl.trustStore} or cacerts).
     */
    public void setTrustStore(String trustStore) {
        this.trustStore = emptyToNull(trustStore);
    }

    public String getTrustStorePassword() {
        return trustStorePassword;
    }

    public void setTrustStorePassword(String trustStorePassword) {
        this.trustStorePassword = trustStorePassword;
    }

    public String getTrustStoreType() {
        return trustStoreType;
    }

    /** Type of {@link #getTrustStore()}: PKCS12 (the default) or JKS. */
    public void setTrustStoreType(String trustStoreType) {
        this.trustStoreType = storeType(trustStoreType, "trustStoreType");
    }

    public String getKeyStore() {
        return keyStore;
    }

    /** {@code keel+ssl://}: a key store with the client's private key and certificate, for brokers that ask. */
    public void setKeyStore(String keyStore) {
        this.keyStore = emptyToNull(keyStore);
    }

    public String getKeyStorePassword() {
        return keyStorePassword;
    }

    public void setKeyStorePassword(String keyStorePassword) {
        this.keyStorePassword = keyStorePassword;
    }

    public String getKeyStoreType() {
        return keyStoreType;
    }

    /** Type of {@link #getKeyStore()}: PKCS12 (the default) or JKS. */
    public void setKeyStoreType(String keyStoreType) {
        this.keyStoreType = storeType(keyStoreType, "keyStoreType");
    }

    public boolean isVerifyHost() {
        return verifyHost;
    }

    /**
     * {@code keel+ssl://}: whether the broker's certificate must name the host of the URL (a DNS or IP subject
     * alternative name), as HTTPS checks it. Turning it off still requires a trusted certificate, but lets any
     * holder of one impersonate the broker.
     */
    public void setVerifyHost(boolean verifyHost) {
        this.verifyHost = verifyHost;
    }

    /** The {@code tcpTransport} option as set, null if not set. */
    public String getTcpTransport() {
        return tcpTransport == null ? null : tcpTransport.toString();
    }

    /**
     * {@code keel://}: {@code blocking} (the default; the sending thread writes to the socket, a reader thread per
     * connection) or {@code netty} (event loops shared by all connections, for a JVM with very many of them).
     * {@code keel+ssl://} always uses Netty. Null or empty unsets it.
     */
    public void setTcpTransport(String value) {
        this.tcpTransport = value == null || value.isBlank() ? null : TcpTransportType.parse(value);
    }

    /** The transport a {@code keel://} connection uses. */
    public TcpTransportType tcpTransportType() {
        return tcpTransport == null ? TcpTransportType.BLOCKING : tcpTransport;
    }

    /** Whether any TLS option differs from its default, which a plain {@code keel://} URL would silently ignore. */
    public boolean hasTlsSettings() {
        return !tlsOptions().equals(new ConnectionOptions().tlsOptions());
    }

    /** The TLS options, for a {@code keel+ssl://} transport. */
    public TlsOptions tlsOptions() {
        return new TlsOptions(trustStore, trustStorePassword, trustStoreType, keyStore, keyStorePassword,
                keyStoreType, verifyHost);
    }

    private static String emptyToNull(String value) {
        return value == null || value.isBlank() ? null : value.trim();
    }

    private static String storeType(String value, String name) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(name + " must not be empty (PKCS12 or JKS)");
        }
        return value.trim();
    }

    /** Settings for an in-VM broker the connection may start; unmodifiable. */
    public Map<String, String> getBrokerOptions() {
        return Collections.unmodifiableMap(brokerOptions);
    }
}
