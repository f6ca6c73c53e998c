package io.keelmq.protocol.selector;

import java.util.Map;

/**
 * Supplies the values a selector's identifiers stand for while one message is evaluated.
 *
 * <p>{@link #get(String)} returns the value of a message property or header field, or
 * {@code null} when the message has no such property (the selector then sees SQL NULL).
 * Property values must be given in the type they were set with (spec 3.8.1: the property
 * conversions do not apply in selectors): {@link Boolean}, {@link Byte}, {@link Short},
 * {@link Integer}, {@link Long}, {@link Float}, {@link Double} or {@link String}. Any other
 * type is treated as a value of no selector type: it is not NULL, but it equals nothing and
 * takes part in no arithmetic.
 *
 * <p>The header fields a selector may reference (spec 3.8.1) are answered through the same
 * method; the caller maps them from the message:
 * <ul>
 * <li>{@value #JMS_DELIVERY_MODE}: {@link String}, {@value #PERSISTENT} or
 *     {@value #NON_PERSISTENT} (the spec's "special notes": never the int constant)</li>
 * <li>{@value #JMS_PRIORITY}: {@link Integer}</li>
 * <li>{@value #JMS_TIMESTAMP}: {@link Long} (milliseconds)</li>
 * <li>{@value #JMS_MESSAGE_ID}, {@value #JMS_CORRELATION_ID}, {@value #JMS_TYPE}:
 *     {@link String}, or {@code null} when the header is not set</li>
 * </ul>
 * Other names that begin with {@code JMS} but neither with {@code JMSX} nor {@code JMS_}
 * (JMSDestination, JMSReplyTo, JMSExpiration, JMSRedelivered, JMSDeliveryTime, ...) are not
 * selector-visible header fields and cannot be property names, so the selector treats them
 * as NULL and never asks for them. {@code JMSX*} and {@code JMS_*} names are ordinary
 * properties.
 *
 * <p>Implementations are called from the evaluating thread only and need not be thread-safe
 * themselves; they must not be shared between concurrent evaluations unless they are.
 */
@FunctionalInterface
public interface SelectorContext {

    String JMS_DELIVERY_MODE = "JMSDeliveryMode";
    String JMS_PRIORITY = "JMSPriority";
    String JMS_MESSAGE_ID = "JMSMessageID";
    String JMS_TIMESTAMP = "JMSTimestamp";
    String JMS_CORRELATION_ID = "JMSCorrelationID";
    String JMS_TYPE = "JMSType";

    /** Value of {@value #JMS_DELIVERY_MODE} for a persistent message. */
    String PERSISTENT = "PERSISTENT";
    /** Value of {@value #JMS_DELIVERY_MODE} for a non-persistent message. */
    String NON_PERSISTENT = "NON_PERSISTENT";

    /**
     * @param identifier a property or header name exactly as written in the selector
     *                   (identifiers are case-sensitive)
     * @return the value, or {@code null} when absent
     */
    Object get(String identifier);

    /** A context reading from {@code values} (a live view, not a copy). */
    static SelectorContext of(Map<String, ?> values) {
        return values::get;
    }
}
