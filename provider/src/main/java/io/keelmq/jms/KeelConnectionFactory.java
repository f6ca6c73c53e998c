package io.keelmq.jms;

import io.keelmq.jms.jndi.KeelObjectFactory;
import io.keelmq.jms.provider.BrokerURL;
import io.keelmq.jms.provider.Provider;
import io.keelmq.jms.provider.ProviderFactory;
import io.keelmq.jms.transport.TcpTransportType;
import jakarta.jms.Connection;
import jakarta.jms.ConnectionFactory;
import jakarta.jms.JMSContext;
import jakarta.jms.JMSException;
import jakarta.jms.QueueConnection;
import jakarta.jms.QueueConnectionFactory;
import jakarta.jms.TopicConnection;
import jakarta.jms.TopicConnectionFactory;

import javax.naming.Reference;
import javax.naming.Referenceable;
import javax.naming.StringRefAddr;
import java.io.Serializable;
import java.util.Map;

/**
 * The administered object applications start from: a broker URL ({@code keel://host:port[,...][?options]}, the
 * same with {@code keel+ssl://} for TLS, or {@code vm://name[?options]}) and the {@link ConnectionOptions} as bean
 * properties. Options in the URL set the bean properties of the same name; an unknown one is refused with a
 * JMSException naming it.
 *
 * <p>Serializable and Referenceable, so any JNDI provider can bind it.
 */
public class KeelConnectionFactory implements ConnectionFactory, QueueConnectionFactory, TopicConnectionFactory,
        Referenceable, Serializable {
    private static final long serialVersionUID = 1L;

    /** The address of the URL in a JNDI {@link Reference}; the options are stored under their own names. */
    public static final String BROKER_URL_ADDRESS = "brokerURL";

    private String brokerURL = BrokerURL.DEFAULT;
    private ConnectionOptions options = new ConnectionOptions();

    /** A factory for the default broker, {@value BrokerURL#DEFAULT}. */
    public KeelConnectionFactory() {
    }

    /** @throws JMSException if the URL is malformed or names an unknown option */
    public KeelConnectionFactory(String brokerURL) throws JMSException {
        setBrokerURL(brokerURL);
    }

    public String getBrokerURL() {
        return brokerURL;
    }

    /**
     * Sets the URL and applies its options to this factory's properties.
     *
     * @throws JMSException if the URL is malformed or names an unknown option (nothing changes then)
     */
    public void setBrokerURL(String url) throws JMSException {
        BrokerURL parsed = BrokerURL.parse(url);
        ConnectionOptions updated = options.copy();
        for (Map.Entry<String, String> option : parsed.options().entrySet()) {
            updated.apply(option.getKey(), option.getValue());
        }
        if (parsed.scheme().isTcp() && !updated.getBrokerOptions().isEmpty()) {
            throw new JMSException("options " + updated.getBrokerOptions().keySet() + " with prefix '"
                    + ConnectionOptions.BROKER_OPTION_PREFIX + "' configure an in-VM broker and need a vm:// URL, not "
                    + url);
        }
        this.brokerURL = parsed.text();
        this.options = updated;
    }

    /** Sets one option by name, as in the URL (for JNDI properties and resource adapters). */
    public void setOption(String name, String value) throws JMSException {
        options.apply(name, value);
    }

    /** A copy of the current options. */
    public ConnectionOptions getOptions() {
        return options.copy();
    }

    // ---------------------------------------------------------------- connections

    @Override
    public Connection createConnection() throws JMSException {
        return connect(null, null, Domain.UNIFIED);
    }

    @Override
    public Connection createConnection(String userName, String password) throws JMSException {
        return connect(userName, password, Domain.UNIFIED);
    }

    @Override
    public QueueConnection createQueueConnection() throws JMSException {
        return connect(null, null, Domain.QUEUE);
    }

    @Override
    public QueueConnection createQueueConnection(String userName, String password) throws JMSException {
        return connect(userName, password, Domain.QUEUE);
    }

    @Override
    public TopicConnection createTopicConnection() throws JMSException {
        return connect(null, null, Domain.TOPIC);
    }

    @Override
    public TopicConnection createTopicConnection(String userName, String password) throws JMSException {
        return connect(userName, password, Domain.TOPIC);
    }

    /** Explicit credentials replace the factory's user and password. */
    KeelConnection connect(String userName, String password, Domain domain) throws JMSException {
        BrokerURL url = BrokerURL.parse(brokerURL);
        ConnectionOptions snapshot = options.copy();
        boolean explicit = userName != null || password != null;
        if (url.scheme() == BrokerURL.Scheme.KEEL && snapshot.hasTlsSettings()) {
            // Most likely a mistake that would send credentials and messages in clear text.
            throw new JMSException("TLS options (trustStore, keyStore, verifyHost...) are set but " + brokerURL
                    + " is plain TCP; use keel+ssl:// for TLS");
        }
        if (url.scheme() == BrokerURL.Scheme.KEEL_SSL && snapshot.tcpTransportType() == TcpTransportType.BLOCKING
                && snapshot.getTcpTransport() != null) {
            throw new JMSException("tcpTransport=blocking is for keel:// only; " + brokerURL
                    + " (TLS) always uses Netty");
        }
        Provider provider = ProviderFactory.create(url, snapshot.getBrokerOptions(), snapshot.tlsOptions(),
                snapshot.tcpTransportType(), snapshot.getRequestTimeout(), snapshot.failoverOptions(url));
        KeelConnection connection = newConnection(provider, snapshot, domain);
        connection.connect(explicit ? userName : snapshot.getUser(), explicit ? password : snapshot.getPassword());
        return connection;
    }

    /** The connection object over a provider; the XA factory makes XA connections. */
    KeelConnection newConnection(Provider provider, ConnectionOptions snapshot, Domain domain) {
        return new KeelConnection(provider, snapshot, domain);
    }

    // ---------------------------------------------------------------- contexts

    @Override
    public JMSContext createContext() {
        return createContext(null, null, JMSContext.AUTO_ACKNOWLEDGE);
    }

    @Override
    public JMSContext createContext(String userName, String password) {
        return createContext(userName, password, JMSContext.AUTO_ACKNOWLEDGE);
    }

    @Override
    public JMSContext createContext(int sessionMode) {
        return createContext(null, null, sessionMode);
    }

    @Override
    public JMSContext createContext(String userName, String password, int sessionMode) {
        KeelJMSContext.checkSessionMode(sessionMode);
        KeelConnection connection = JmsExceptionSupport.unchecked(() -> connect(userName, password,
                Domain.UNIFIED));
        return new KeelJMSContext(new SharedConnection(connection), sessionMode);
    }

    // ---------------------------------------------------------------- bean properties

    public String getClientID() {
        return options.getClientID();
    }

    public void setClientID(String clientID) {
        options.setClientID(clientID);
    }

    public String getUser() {
        return options.getUser();
    }

    public void setUser(String user) {
        options.setUser(user);
    }

    public String getPassword() {
        return options.getPassword();
    }

    public void setPassword(String password) {
        options.setPassword(password);
    }

    public String getConsumeFromWhere() {
        return options.getConsumeFromWhere();
    }

    /** Where new durable subscriptions start: a {@link ConsumeFromWhere} name (default CONSUME_FROM_LAST_OFFSET). */
    public void setConsumeFromWhere(String value) {
        options.setConsumeFromWhere(value);
    }

    public String getConsumeTimestamp() {
        return options.getConsumeTimestamp();
    }

    /** Start time for CONSUME_FROM_TIMESTAMP: epoch milliseconds or an ISO-8601 instant. */
    public void setConsumeTimestamp(String value) {
        options.setConsumeTimestamp(value);
    }

    public long getSendMsgTimeout() {
        return options.getSendMsgTimeout();
    }

    public void setSendMsgTimeout(long millis) {
        options.setSendMsgTimeout(millis);
    }

    public int getRetryTimesWhenSendFailed() {
        return options.getRetryTimesWhenSendFailed();
    }

    public void setRetryTimesWhenSendFailed(int times) {
        options.setRetryTimesWhenSendFailed(times);
    }

    public int getRetryTimesWhenSendAsyncFailed() {
        return options.getRetryTimesWhenSendAsyncFailed();
    }

    public void setRetryTimesWhenSendAsyncFailed(int times) {
        options.setRetryTimesWhenSendAsyncFailed(times);
    }

    public int getPullThresholdForQueue() {
        return options.getPullThresholdForQueue();
    }

    public void setPullThresholdForQueue(int messages) {
        options.setPullThresholdForQueue(messages);
    }

    public int getPullThresholdSizeForQueue() {
        return options.getPullThresholdSizeForQueue();
    }

    public void setPullThresholdSizeForQueue(int mebibytes) {
        options.setPullThresholdSizeForQueue(mebibytes);
    }

    public long getPollHoldMillis() {
        return options.getPollHoldMillis();
    }

    public void setPollHoldMillis(long millis) {
        options.setPollHoldMillis(millis);
    }

    public long getHeartbeatInterval() {
        return options.getHeartbeatInterval();
    }

    public void setHeartbeatInterval(long millis) {
        options.setHeartbeatInterval(millis);
    }

    public long getRequestTimeout() {
        return options.getRequestTimeout();
    }

    public void setRequestTimeout(long millis) {
        options.setRequestTimeout(millis);
    }

    public boolean isThrowOnSendStatus() {
        return options.isThrowOnSendStatus();
    }

    public void setThrowOnSendStatus(boolean value) {
        options.setThrowOnSendStatus(value);
    }

    public String getTrustStore() {
        return options.getTrustStore();
    }

    public void setTrustStore(String path) {
        options.setTrustStore(path);
    }

    public String getTrustStorePassword() {
        return options.getTrustStorePassword();
    }

    public void setTrustStorePassword(String password) {
        options.setTrustStorePassword(password);
    }

    public String getTrustStoreType() {
        return options.getTrustStoreType();
    }

    public void setTrustStoreType(String type) {
        options.setTrustStoreType(type);
    }

    public String getKeyStore() {
        return options.getKeyStore();
    }

    public void setKeyStore(String path) {
        options.setKeyStore(path);
    }

    public String getKeyStorePassword() {
        return options.getKeyStorePassword();
    }

    public void setKeyStorePassword(String password) {
        options.setKeyStorePassword(password);
    }

    public String getKeyStoreType() {
        return options.getKeyStoreType();
    }

    public void setKeyStoreType(String type) {
        options.setKeyStoreType(type);
    }

    public boolean isVerifyHost() {
        return options.isVerifyHost();
    }

    public void setVerifyHost(boolean verify) {
        options.setVerifyHost(verify);
    }

    public String getTcpTransport() {
        return options.getTcpTransport();
    }

    public void setTcpTransport(String type) {
        options.setTcpTransport(type);
    }

    // ---------------------------------------------------------------- JNDI

    @Override
    public Reference getReference() {
        return reference(KeelConnectionFactory.class.getName());
    }

    /** A reference that {@link KeelObjectFactory} rebuilds as {@code className} with this URL and these options. */
    Reference reference(String className) {
        Reference reference = new Reference(className, KeelObjectFactory.class.getName(), null);
        reference.add(new StringRefAddr(BROKER_URL_ADDRESS, brokerURL));
        options.toProperties().forEach((name, value) -> reference.add(new StringRefAddr(name, value)));
        return reference;
    }

    @Override
    public String toString() {
        return "KeelConnectionFactory[" + brokerURL + "]";
    }
}
