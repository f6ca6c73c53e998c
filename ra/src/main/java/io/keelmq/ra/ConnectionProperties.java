package io.keelmq.ra;

import io.keelmq.jms.KeelXAConnectionFactory;
import jakarta.jms.JMSException;

import java.io.Serializable;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * The connection settings a deployer writes in a descriptor: the broker URL and every bean property of
 * {@link io.keelmq.jms.KeelConnectionFactory}, under the same names, so {@code brokerURL}, {@code clientID},
 * {@code sendMsgTimeout}... mean the same in ra.xml, in a server's pool definition, in a URL and in jndi.properties.
 *
 * <p>The values live in a {@link KeelXAConnectionFactory}, which validates them exactly as for a standalone client; the
 * setters take wrapper types (as Jakarta Connectors config properties are typed) and ignore null, which is how a
 * server says "not set". The resource adapter (defaults for inbound activations) and the managed connection factory
 * (outbound connections) both extend this class.
 */
public abstract class ConnectionProperties implements Serializable {
    private static final long serialVersionUID = 1L;

    private KeelXAConnectionFactory factory = new KeelXAConnectionFactory();

    /** A copy of the configured factory: what connections are made with. */
    public KeelXAConnectionFactory connectionFactory() {
        KeelXAConnectionFactory copy = new KeelXAConnectionFactory();
        copyInto(copy);
        return copy;
    }

    /** Sets {@code target}'s URL and options to these. */
    protected void copyInto(KeelXAConnectionFactory target) {
        try {
            target.setBrokerURL(factory.getBrokerURL());
            for (Map.Entry<String, String> option : factory.getOptions().toProperties().entrySet()) {
                target.setOption(option.getKey(), option.getValue());
            }
        } catch (JMSException e) {
            // The same values were accepted by this object's own factory.
            throw new IllegalStateException("configuration copy failed: " + e.getMessage(), e);
        }
    }

    /** Every setting, by name, as text: for equality of factories and for log lines (passwords masked there). */
    protected Map<String, String> settings() {
        Map<String, String> settings = new TreeMap<>(factory.getOptions().toProperties());
        settings.put("brokerURL", factory.getBrokerURL());
        return settings;
    }

    protected boolean sameSettings(ConnectionProperties other) {
        return settings().equals(other.settings());
    }

    protected int settingsHash() {
        return Objects.hash(settings());
    }

    // ---------------------------------------------------------------- the broker URL

    public String getBrokerURL() {
        return factory.getBrokerURL();
    }

    /** @throws IllegalArgumentException naming the problem if the URL is malformed or names an unknown option */
    public void setBrokerURL(String url) {
        if (url == null) {
            return;
        }
        try {
            factory.setBrokerURL(url.trim());
        } catch (JMSException e) {
            throw new IllegalArgumentException("brokerURL '" + url + "': " + e.getMessage(), e);
        }
    }

    // ---------------------------------------------------------------- identity and credentials

    public String getClientID() {
        return factory.getClientID();
    }

    public void setClientID(String clientID) {
        factory.setClientID(emptyToNull(clientID));
    }

    public String getUser() {
        return factory.getUser();
    }

    public void setUser(String user) {
        factory.setUser(emptyToNull(user));
    }

    public String getPassword() {
        return factory.getPassword();
    }

    public void setPassword(String password) {
        factory.setPassword(emptyToNull(password));
    }

    // ---------------------------------------------------------------- client options

    public String getConsumeFromWhere() {
        return factory.getConsumeFromWhere();
    }

    public void setConsumeFromWhere(String value) {
        set("consumeFromWhere", value);
    }

    public String getConsumeTimestamp() {
        return factory.getConsumeTimestamp();
    }

    public void setConsumeTimestamp(String value) {
        set("consumeTimestamp", value);
    }

    public Long getSendMsgTimeout() {
        return factory.getSendMsgTimeout();
    }

    public void setSendMsgTimeout(Long millis) {
        set("sendMsgTimeout", millis);
    }

    public Integer getRetryTimesWhenSendFailed() {
        return factory.getRetryTimesWhenSendFailed();
    }

    public void setRetryTimesWhenSendFailed(Integer times) {
        set("retryTimesWhenSendFailed", times);
    }

    public Integer getRetryTimesWhenSendAsyncFailed() {
        return factory.getRetryTimesWhenSendAsyncFailed();
    }

    public void setRetryTimesWhenSendAsyncFailed(Integer times) {
        set("retryTimesWhenSendAsyncFailed", times);
    }

    public Integer getPullThresholdForQueue() {
        return factory.getPullThresholdForQueue();
    }

    public void setPullThresholdForQueue(Integer messages) {
        set("pullThresholdForQueue", messages);
    }

    public Integer getPullThresholdSizeForQueue() {
        return factory.getPullThresholdSizeForQueue();
    }

    public void setPullThresholdSizeForQueue(Integer mebibytes) {
        set("pullThresholdSizeForQueue", mebibytes);
    }

    public Long getPollHoldMillis() {
        return factory.getPollHoldMillis();
    }

    public void setPollHoldMillis(Long millis) {
        set("pollHoldMillis", millis);
    }

    public Long getHeartbeatInterval() {
        return factory.getHeartbeatInterval();
    }

    public void setHeartbeatInterval(Long millis) {
        set("heartbeatInterval", millis);
    }

    public Long getRequestTimeout() {
        return factory.getRequestTimeout();
    }

    public void setRequestTimeout(Long millis) {
        set("requestTimeout", millis);
    }

    public Boolean getThrowOnSendStatus() {
        return factory.isThrowOnSendStatus();
    }

    public void setThrowOnSendStatus(Boolean value) {
        set("throwOnSendStatus", value);
    }

    public String getTrustStore() {
        return factory.getTrustStore();
    }

    public void setTrustStore(String path) {
        set("trustStore", path);
    }

    public String getTrustStorePassword() {
        return factory.getTrustStorePassword();
    }

    public void setTrustStorePassword(String password) {
        set("trustStorePassword", password);
    }

    public String getTrustStoreType() {
        return factory.getTrustStoreType();
    }

    public void setTrustStoreType(String type) {
        set("trustStoreType", type);
    }

    public String getKeyStore() {
        return factory.getKeyStore();
    }

    public void setKeyStore(String path) {
        set("keyStore", path);
    }

    public String getKeyStorePassword() {
        return factory.getKeyStorePassword();
    }

    public void setKeyStorePassword(String password) {
        set("keyStorePassword", password);
    }

    public String getKeyStoreType() {
        return factory.getKeyStoreType();
    }

    public void setKeyStoreType(String type) {
        set("keyStoreType", type);
    }

    public Boolean getVerifyHost() {
        return factory.isVerifyHost();
    }

    public void setVerifyHost(Boolean verify) {
        set("verifyHost", verify);
    }

    public String getTcpTransport() {
        return factory.getTcpTransport();
    }

    public void setTcpTransport(String type) {
        set("tcpTransport", type);
    }

    /**
     * One option by its client name, validated as in a URL; null or an empty string (what a descriptor holds for an
     * unset property) leaves the default.
     *
     * @throws IllegalArgumentException naming the option and the value if it is invalid
     */
    private void set(String name, Object value) {
        if (value == null || value.toString().isEmpty()) {
            return;
        }
        try {
            factory.setOption(name, value.toString());
        } catch (JMSException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }

    private static String emptyToNull(String value) {
        return value == null || value.isEmpty() ? null : value;
    }
}
