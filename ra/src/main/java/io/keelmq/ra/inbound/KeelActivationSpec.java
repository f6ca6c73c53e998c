package io.keelmq.ra.inbound;

import io.keelmq.ra.KeelResourceAdapter;
import jakarta.resource.ResourceException;
import jakarta.resource.spi.ActivationSpec;
import jakarta.resource.spi.InvalidPropertyException;
import jakarta.resource.spi.ResourceAdapter;

import java.beans.PropertyDescriptor;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * How a message-driven bean receives (spec 13.1): the standard activation properties destinationLookup,
 * connectionFactoryLookup, destinationType, messageSelector, acknowledgeMode, subscriptionDurability, subscriptionName
 * and clientId, plus KeelMQ's destination (a physical name, used when no lookup is given), shareSubscriptions,
 * maxSession, user, password and the reconnection back-off. {@link #validate()} names every problem at once.
 */
public class KeelActivationSpec implements ActivationSpec, Serializable {
    private static final long serialVersionUID = 1L;

    public static final String QUEUE = "jakarta.jms.Queue";
    public static final String TOPIC = "jakarta.jms.Topic";
    public static final String AUTO_ACKNOWLEDGE = "Auto-acknowledge";
    public static final String DUPS_OK_ACKNOWLEDGE = "Dups-ok-acknowledge";
    public static final String DURABLE = "Durable";
    public static final String NON_DURABLE = "NonDurable";

    private String destinationLookup;
    private String connectionFactoryLookup;
    private String destinationType;
    private String destination;
    private String messageSelector;
    private String acknowledgeMode = AUTO_ACKNOWLEDGE;
    private String subscriptionDurability = NON_DURABLE;
    private String subscriptionName;
    private Boolean shareSubscriptions = false;
    private String clientId;
    private Integer maxSession = 15;
    private String user;
    private String password;
    private Long reconnectInitialDelayMillis = 1000L;
    private Long reconnectMaxDelayMillis = 30_000L;
    private transient KeelResourceAdapter resourceAdapter;

    /**
     * Checks what can be checked without the broker or JNDI; the lookups are resolved (and their types checked)
     * when the endpoint is activated.
     *
     * @throws InvalidPropertyException listing every invalid property, each with what would be valid
     */
    @Override
    public void validate() throws InvalidPropertyException {
        List<String> problems = new ArrayList<>();
        List<String> invalid = new ArrayList<>();
        if (destinationLookup == null && destination == null) {
            problems.add("neither destinationLookup (a JNDI name) nor destination (a physical name) is set");
            invalid.add("destination");
        }
        if (destinationType != null && parseDestinationType(destinationType) == null) {
            problems.add("destinationType is '" + destinationType + "'; use " + QUEUE + " or " + TOPIC);
            invalid.add("destinationType");
        }
        if (parseAcknowledgeMode(acknowledgeMode) == 0) {
            problems.add("acknowledgeMode is '" + acknowledgeMode + "'; use " + AUTO_ACKNOWLEDGE + " or "
                    + DUPS_OK_ACKNOWLEDGE);
            invalid.add("acknowledgeMode");
        }
        Boolean durable = parseDurability(subscriptionDurability);
        if (durable == null) {
            problems.add("subscriptionDurability is '" + subscriptionDurability + "'; use " + DURABLE + " or "
                    + NON_DURABLE);
            invalid.add("subscriptionDurability");
        }
        if (maxSession == null || maxSession < 1) {
            problems.add("maxSession is " + maxSession + "; it must be 1 or more");
            invalid.add("maxSession");
        }
        if (reconnectInitialDelayMillis == null || reconnectInitialDelayMillis < 1 || reconnectMaxDelayMillis == null
                || reconnectMaxDelayMillis < reconnectInitialDelayMillis) {
            problems.add("reconnectInitialDelayMillis (" + reconnectInitialDelayMillis + ") must be at least 1 and "
                    + "reconnectMaxDelayMillis (" + reconnectMaxDelayMillis + ") at least as long");
            invalid.add("reconnectInitialDelayMillis");
        }
        boolean topic = TOPIC.equals(parseDestinationType(destinationType));
        if (Boolean.TRUE.equals(durable)) {
            if (destinationType != null && !topic) {
                problems.add("subscriptionDurability=Durable applies to a topic, but destinationType is "
                        + destinationType);
                invalid.add("subscriptionDurability");
            }
            if (subscriptionName == null) {
                problems.add("a durable subscription needs a subscriptionName");
                invalid.add("subscriptionName");
            }
            if (!isShared() && clientId == null) {
                problems.add("an unshared durable subscription needs a clientId (or set shareSubscriptions=true)");
                invalid.add("clientId");
            }
        }
        if (isShared() && subscriptionName == null) {
            problems.add("shareSubscriptions=true needs a subscriptionName: the name the sessions share");
            invalid.add("subscriptionName");
        }
        if (!problems.isEmpty()) {
            InvalidPropertyException e = new InvalidPropertyException("invalid KeelMQ activation: "
                    + String.join("; ", problems));
            e.setInvalidPropertyDescriptors(descriptors(invalid));
            throw e;
        }
    }

    private PropertyDescriptor[] descriptors(List<String> names) {
        List<PropertyDescriptor> found = new ArrayList<>();
        for (String name : names.stream().distinct().toList()) {
            try {
                found.add(new PropertyDescriptor(name, KeelActivationSpec.class));
            } catch (java.beans.IntrospectionException e) {
                // every name above is a property of this class
            }
        }
        return found.toArray(new PropertyDescriptor[0]);
    }

    /** {@value #QUEUE} or {@value #TOPIC} for the text (also "Queue"/"Topic", any case), else null. */
    static String parseDestinationType(String text) {
        if (text == null) {
            return null;
        }
        String t = text.trim();
        if (t.equalsIgnoreCase(QUEUE) || t.equalsIgnoreCase("Queue") || t.equalsIgnoreCase("javax.jms.Queue")) {
            return QUEUE;
        }
        if (t.equalsIgnoreCase(TOPIC) || t.equalsIgnoreCase("Topic") || t.equalsIgnoreCase("javax.jms.Topic")) {
            return TOPIC;
        }
        return null;
    }

    /** jakarta.jms.Session's constant for the text, else 0. */
    static int parseAcknowledgeMode(String text) {
        String t = text == null ? AUTO_ACKNOWLEDGE : text.trim().replace('_', '-').toLowerCase(Locale.ROOT);
        return switch (t) {
            case "auto-acknowledge" -> jakarta.jms.Session.AUTO_ACKNOWLEDGE;
            case "dups-ok-acknowledge" -> jakarta.jms.Session.DUPS_OK_ACKNOWLEDGE;
            default -> 0;
        };
    }

    /** true for Durable, false for NonDurable (any case, also Non-Durable), null otherwise. */
    static Boolean parseDurability(String text) {
        if (text == null) {
            return false;
        }
        String t = text.trim().replace("-", "").replace("_", "");
        if (t.equalsIgnoreCase(DURABLE)) {
            return true;
        }
        if (t.equalsIgnoreCase(NON_DURABLE)) {
            return false;
        }
        return null;
    }

    boolean isDurable() {
        return Boolean.TRUE.equals(parseDurability(subscriptionDurability));
    }

    boolean isShared() {
        return Boolean.TRUE.equals(shareSubscriptions);
    }

    // ---------------------------------------------------------------- ResourceAdapterAssociation

    @Override
    public ResourceAdapter getResourceAdapter() {
        return resourceAdapter;
    }

    @Override
    public void setResourceAdapter(ResourceAdapter adapter) throws ResourceException {
        if (!(adapter instanceof KeelResourceAdapter keel)) {
            throw new ResourceException("a KeelMQ activation belongs to KeelMQ's resource adapter, not to " + adapter);
        }
        this.resourceAdapter = keel;
    }

    // ---------------------------------------------------------------- bean properties

    public String getDestinationLookup() {
        return destinationLookup;
    }

    public void setDestinationLookup(String destinationLookup) {
        this.destinationLookup = blankToNull(destinationLookup);
    }

    public String getConnectionFactoryLookup() {
        return connectionFactoryLookup;
    }

    public void setConnectionFactoryLookup(String connectionFactoryLookup) {
        this.connectionFactoryLookup = blankToNull(connectionFactoryLookup);
    }

    public String getDestinationType() {
        return destinationType;
    }

    public void setDestinationType(String destinationType) {
        this.destinationType = blankToNull(destinationType);
    }

    public String getDestination() {
        return destination;
    }

    public void setDestination(String destination) {
        this.destination = blankToNull(destination);
    }

    public String getMessageSelector() {
        return messageSelector;
    }

    public void setMessageSelector(String messageSelector) {
        this.messageSelector = blankToNull(messageSelector);
    }

    public String getAcknowledgeMode() {
        return acknowledgeMode;
    }

    public void setAcknowledgeMode(String acknowledgeMode) {
        this.acknowledgeMode = acknowledgeMode == null || acknowledgeMode.isBlank() ? AUTO_ACKNOWLEDGE
                : acknowledgeMode.trim();
    }

    public String getSubscriptionDurability() {
        return subscriptionDurability;
    }

    public void setSubscriptionDurability(String subscriptionDurability) {
        this.subscriptionDurability = subscriptionDurability == null || subscriptionDurability.isBlank()
                ? NON_DURABLE : subscriptionDurability.trim();
    }

    public String getSubscriptionName() {
        return subscriptionName;
    }

    public void setSubscriptionName(String subscriptionName) {
        this.subscriptionName = blankToNull(subscriptionName);
    }

    public Boolean getShareSubscriptions() {
        return shareSubscriptions;
    }

    public void setShareSubscriptions(Boolean shareSubscriptions) {
        this.shareSubscriptions = shareSubscriptions != null && shareSubscriptions;
    }

    public String getClientId() {
        return clientId;
    }

    public void setClientId(String clientId) {
        this.clientId = blankToNull(clientId);
    }

    public Integer getMaxSession() {
        return maxSession;
    }

    public void setMaxSession(Integer maxSession) {
        this.maxSession = maxSession;
    }

    public String getUser() {
        return user;
    }

    public void setUser(String user) {
        this.user = blankToNull(user);
    }

    public String getPassword() {
        return password;
    }

    public void setPassword(String password) {
        this.password = blankToNull(password);
    }

    public Long getReconnectInitialDelayMillis() {
        return reconnectInitialDelayMillis;
    }

    public void setReconnectInitialDelayMillis(Long millis) {
        this.reconnectInitialDelayMillis = millis;
    }

    public Long getReconnectMaxDelayMillis() {
        return reconnectMaxDelayMillis;
    }

    public void setReconnectMaxDelayMillis(Long millis) {
        this.reconnectMaxDelayMillis = millis;
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value.trim();
    }

    @Override
    public String toString() {
        return "KeelActivationSpec[" + (destinationLookup != null ? destinationLookup : destination)
                + (messageSelector == null ? "" : ", selector=" + messageSelector) + ", maxSession=" + maxSession
                + "]";
    }
}
