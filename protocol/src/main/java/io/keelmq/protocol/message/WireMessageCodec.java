package io.keelmq.protocol.message;

import io.keelmq.protocol.frame.ErrorCode;
import io.keelmq.protocol.frame.ProtocolException;
import io.keelmq.protocol.frame.WireReader;
import io.keelmq.protocol.frame.WireWriter;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.util.Map;

/**
 * Converts {@link WireMessage}s to and from bytes; the layout is documented in
 * protocol/README.md. The encoding is self-delimiting, so a batch is simply messages
 * written one after another.
 *
 * <p>Decoding trusts nothing: every length is checked against the bytes remaining before
 * anything is allocated, every enumerated value against its legal range, and any violation
 * is a {@link ProtocolException} with {@link ErrorCode#MALFORMED_FRAME} (or
 * {@link ErrorCode#UNSUPPORTED_VERSION} for an unknown format version).
 */
public final class WireMessageCodec {
    /** Leading byte of every encoded message, so the format can evolve. */
    public static final byte FORMAT_VERSION = 1;

    private static final byte CORRELATION_NONE = 0;
    private static final byte CORRELATION_STRING = 1;
    private static final byte CORRELATION_BYTES = 2;
    private static final byte NO_DESTINATION = 0;

    private WireMessageCodec() {
    }

    /**
     * Appends {@code message} to {@code out}; on failure nothing is left in {@code out}.
     *
     * @throws IllegalArgumentException if a string holds an unpaired surrogate, which UTF-8
     *     cannot carry
     */
    public static void encode(WireMessage message, ByteBuf out) {
        int start = out.writerIndex();
        try {
            writeMessage(message, out);
        } catch (RuntimeException e) {
            out.writerIndex(start);
            throw e;
        }
    }

    /** The encoded bytes of {@code message}. */
    public static byte[] encode(WireMessage message) {
        byte[] body = message.getBody();
        ByteBuf buf = Unpooled.buffer(256 + (body == null ? 0 : body.length));
        encode(message, buf);
        return ByteBufUtil.getBytes(buf);
    }

    /**
     * Reads one message from the readable bytes of {@code in}, advancing the reader index
     * past it; bytes after it (the next message of a batch) are left unread. On failure the
     * reader index is left unchanged.
     *
     * @throws ProtocolException if the bytes are not an encoded message
     */
    public static WireMessage decode(ByteBuf in) {
        int start = in.readerIndex();
        try {
            return readMessage(new WireReader(in, "message"), PropertyLimits.NONE);
        } catch (RuntimeException e) {
            in.readerIndex(start);
            throw e;
        }
    }

    /**
     * Decodes bytes that must hold exactly one message.
     *
     * @throws ProtocolException if they do not
     */
    public static WireMessage decode(byte[] bytes) {
        return decode(bytes, PropertyLimits.NONE);
    }

    /**
     * Decodes bytes that must hold exactly one message whose properties stay within {@code limits}.
     *
     * @throws ProtocolException if they do not hold one message ({@link ErrorCode#MALFORMED_FRAME}), or
     *     {@link ErrorCode#LIMIT_EXCEEDED} naming the limit when the properties exceed it
     */
    public static WireMessage decode(byte[] bytes, PropertyLimits limits) {
        ByteBuf buf = Unpooled.wrappedBuffer(bytes);
        WireReader in = new WireReader(buf, "message");
        WireMessage message = readMessage(in, limits);
        TypedValues.requireEnd(in);
        return message;
    }

    /**
     * The encoding of a message whose encoding without a body ({@code withoutBody}, as {@link #encode} wrote it for
     * the message with a null body) and whose {@code body} are known, with JMSRedelivered and JMSXDeliveryCount set
     * for a delivery: byte for byte what decoding {@code withoutBody}, attaching {@code body}, setting the two fields
     * and encoding again would give, without the decoding and encoding. Only the fixed header fields in front of
     * the two are stepped over (their lengths read, no string decoded); properties and body type are copied as they
     * are. This is what a broker delivering a stored message does for every message it hands out.
     *
     * @param body null for a message without a body (or with a null one)
     * @throws ProtocolException if {@code withoutBody} is not an encoded message with a null body
     */
    public static byte[] forDelivery(byte[] withoutBody, byte[] body, int deliveryCount) {
        return DeliveryBytes.stored(withoutBody, body, deliveryCount).toArray();
    }

    /**
     * Where the two fields a delivery sets lie in a body-less encoding (see {@link #forDelivery}): the JMSRedelivered
     * byte's index in the high 32 bits, the JMSXDeliveryCount int's in the low 32.
     *
     * @throws ProtocolException if {@code withoutBody} is not an encoded message with a null body
     */
    static long deliveryFieldsOf(byte[] withoutBody) {
        StoredHeaders headers = readStored(withoutBody, null, null, false);
        return ((long) headers.redeliveredAt() << 32) | headers.deliveryCountAt();
    }

    /**
     * The header fields of a body-less encoding (as {@link #encode} wrote it for a message with a null body), the value
     * of the property {@code named} and whether one of {@code anyOf} is present, without decoding the message: no
     * string but property names is built, no map. What a broker needs to decide a stored message's delivery when no
     * selector asks for more; {@link #decode} gives the whole message.
     *
     * @param named property whose value to return, or null
     * @param anyOf property names to look for, or null
     * @throws ProtocolException if {@code withoutBody} is not an encoded message with a null body
     */
    public static StoredHeaders peekStored(byte[] withoutBody, String named, java.util.Set<String> anyOf) {
        return readStored(withoutBody, named, anyOf, true);
    }

    private static StoredHeaders readStored(byte[] withoutBody, String named, java.util.Set<String> anyOf,
                                            boolean properties) {
        ByteBuf in = Unpooled.wrappedBuffer(withoutBody);
        WireReader reader = new WireReader(in, "message");
        byte version = reader.readByte("format version");
        if (version != FORMAT_VERSION) {
            throw new ProtocolException(ErrorCode.UNSUPPORTED_VERSION, "message format version " + version
                    + " is not supported (supported version: " + FORMAT_VERSION + ")");
        }
        skipNullable(reader, "message id length", "message id");
        long timestamp = reader.readLong("timestamp");
        byte correlationKind = reader.readByte("correlation id kind");
        if (correlationKind == CORRELATION_STRING || correlationKind == CORRELATION_BYTES) {
            skipNullable(reader, "correlation id length", "correlation id");
        } else if (correlationKind != CORRELATION_NONE) {
            throw reader.malformed("unknown correlation id kind " + correlationKind);
        }
        skipDestination(reader, false);
        skipDestination(reader, true);
        reader.readByte("delivery mode");
        int redeliveredAt = in.readerIndex();
        reader.readByte("redelivered");
        skipNullable(reader, "type length", "type");
        long expiration = reader.readLong("expiration");
        int priority = reader.readByte("priority");
        long deliveryTime = reader.readLong("delivery time");
        int deliveryCountAt = in.readerIndex();
        reader.readInt("delivery count");
        // The last four bytes are the null body's length (-1); the body, if any, takes their place.
        int bodyLengthAt = withoutBody.length - 4;
        if (bodyLengthAt < in.readerIndex() + 4 || in.getInt(bodyLengthAt) != -1) {
            throw reader.malformed("the encoded message does not end with a null body");
        }
        Object namedValue = null;
        boolean anyOfPresent = false;
        BodyType bodyType = null;
        if (properties) {
            if (priority < 0 || priority > 9) {
                throw reader.malformed("priority must be 0 to 9, not " + priority);
            }
            int propertyCount = reader.readCount("property count");
            for (int i = 0; i < propertyCount; i++) {
                String name = reader.readString("property name");
                Object value = TypedValues.readPropertyValue(reader);
                if (name.equals(named)) {
                    namedValue = value;
                }
                anyOfPresent |= anyOf != null && anyOf.contains(name);
            }
            byte bodyCode = reader.readByte("body type");
            try {
                bodyType = BodyType.fromCode(bodyCode);
            } catch (IllegalArgumentException e) {
                throw reader.malformed(e.getMessage());
            }
            if (reader.readInt("body length") != -1 || reader.remaining() != 0) {
                throw reader.malformed("the encoded message does not end with a null body");
            }
        }
        return new StoredHeaders(timestamp, expiration, priority, deliveryTime, bodyType, namedValue, anyOfPresent,
                redeliveredAt, deliveryCountAt);
    }

    /** The field names are constants: this runs for every message a broker delivers, no string is built per call. */
    private static void skipNullable(WireReader in, String lengthField, String field) {
        int length = in.readInt(lengthField);
        if (length != -1) {
            in.skip(length, field);
        }
    }

    private static void skipDestination(WireReader in, boolean replyTo) {
        if (in.readByte(replyTo ? "reply-to kind" : "destination kind") != NO_DESTINATION) {
            skipNullable(in, replyTo ? "reply-to name length" : "destination name length",
                    replyTo ? "reply-to name" : "destination name");
        }
    }

    private static void writeMessage(WireMessage m, ByteBuf out) {
        out.writeByte(FORMAT_VERSION);
        WireWriter.writeNullableString(out, m.getMessageId(), "message id");
        out.writeLong(m.getTimestamp());
        if (m.getCorrelationId() != null) {
            out.writeByte(CORRELATION_STRING);
            WireWriter.writeString(out, m.getCorrelationId(), "correlation id");
        } else if (m.getCorrelationIdBytes() != null) {
            out.writeByte(CORRELATION_BYTES);
            WireWriter.writeNullableBytes(out, m.getCorrelationIdBytes());
        } else {
            out.writeByte(CORRELATION_NONE);
        }
        writeDestination(out, m.getDestination(), "destination");
        writeDestination(out, m.getReplyTo(), "reply-to");
        out.writeByte(m.getDeliveryMode());
        out.writeByte(m.isRedelivered() ? 1 : 0);
        WireWriter.writeNullableString(out, m.getType(), "type");
        out.writeLong(m.getExpiration());
        out.writeByte(m.getPriority());
        out.writeLong(m.getDeliveryTime());
        out.writeInt(m.getDeliveryCount());
        Map<String, Object> properties = m.getProperties();
        out.writeInt(properties.size());
        for (Map.Entry<String, Object> property : properties.entrySet()) {
            WireWriter.writeString(out, property.getKey(), "property name");
            TypedValues.writeValue(out, property.getValue());
        }
        out.writeByte(m.getBodyType().code());
        WireWriter.writeNullableBytes(out, m.getBody());
    }

    private static void writeDestination(ByteBuf out, DestinationRef destination, String what) {
        if (destination == null) {
            out.writeByte(NO_DESTINATION);
        } else {
            out.writeByte(destination.kind().code());
            WireWriter.writeString(out, destination.name(), what + " name");
        }
    }

    private static WireMessage readMessage(WireReader in, PropertyLimits limits) {
        byte version = in.readByte("format version");
        if (version != FORMAT_VERSION) {
            throw new ProtocolException(ErrorCode.UNSUPPORTED_VERSION, "message format version " + version
                    + " is not supported (supported version: " + FORMAT_VERSION + ")");
        }
        WireMessage m = new WireMessage();
        try {
            m.setMessageId(in.readNullableString("message id"));
            m.setTimestamp(in.readLong("timestamp"));
            byte correlationKind = in.readByte("correlation id kind");
            switch (correlationKind) {
                case CORRELATION_NONE -> { }
                case CORRELATION_STRING -> m.setCorrelationId(in.readString("correlation id"));
                case CORRELATION_BYTES -> m.setCorrelationIdBytes(
                        in.readBytes(in.readInt("correlation id length"), "correlation id"));
                default -> throw in.malformed("unknown correlation id kind " + correlationKind);
            }
            m.setDestination(readDestination(in, "destination"));
            m.setReplyTo(readDestination(in, "reply-to"));
            m.setDeliveryMode(in.readByte("delivery mode"));
            m.setRedelivered(in.readBoolean("redelivered"));
            m.setType(in.readNullableString("type"));
            m.setExpiration(in.readLong("expiration"));
            m.setPriority(in.readByte("priority"));
            m.setDeliveryTime(in.readLong("delivery time"));
            m.setDeliveryCount(in.readInt("delivery count"));
            int propertyCount = in.readCount("property count");
            if (propertyCount > limits.maxPropertyCount()) {
                throw new ProtocolException(ErrorCode.LIMIT_EXCEEDED, "message with " + propertyCount
                        + " properties exceeds maxPropertyCount " + limits.maxPropertyCount());
            }
            int propertiesStart = in.remaining();
            for (int i = 0; i < propertyCount; i++) {
                String name = in.readString("property name");
                if (m.hasProperty(name)) {
                    throw in.malformed("duplicate property '" + name + "'");
                }
                m.setProperty(name, TypedValues.readPropertyValue(in));
                long propertiesSize = propertiesStart - in.remaining();
                if (propertiesSize > limits.maxPropertiesSize()) {
                    throw new ProtocolException(ErrorCode.LIMIT_EXCEEDED, "message properties of at least "
                            + propertiesSize + " bytes exceed maxPropertiesSize " + limits.maxPropertiesSize());
                }
            }
            BodyType bodyType = BodyType.fromCode(in.readByte("body type"));
            m.setBody(bodyType, in.readNullableBytes("body"));
        } catch (IllegalArgumentException e) {
            // The setters' validation found a value no correct sender produces.
            throw in.malformed(e.getMessage());
        }
        return m;
    }

    private static DestinationRef readDestination(WireReader in, String what) {
        byte kind = in.readByte(what + " kind");
        if (kind == NO_DESTINATION) {
            return null;
        }
        return new DestinationRef(DestinationRef.Kind.fromCode(kind), in.readString(what + " name"));
    }
}
