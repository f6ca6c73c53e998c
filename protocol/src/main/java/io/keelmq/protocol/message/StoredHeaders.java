package io.keelmq.protocol.message;

/**
 * What a broker decides a stored message by, read from its body-less encoding without building the message
 * ({@link WireMessageCodec#peekStored}): the header fields that order, defer and expire it, one named property's
 * value, whether any of a set of names is present, and where the two fields a delivery sets lie.
 *
 * @param bodyType        the message's body type (its body is not in the encoding)
 * @param namedValue      the value of the property {@code peekStored} was asked for, or null if absent
 * @param anyOfPresent    whether one of the names {@code peekStored} was given is a property of the message
 * @param redeliveredAt   index of the JMSRedelivered byte in the encoding
 * @param deliveryCountAt index of the JMSXDeliveryCount int in the encoding
 */
public record StoredHeaders(long timestamp, long expiration, int priority, long deliveryTime, BodyType bodyType,
                            Object namedValue,
                            boolean anyOfPresent, int redeliveredAt, int deliveryCountAt) {
}
