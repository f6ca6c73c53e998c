package io.keelmq.jms;

import io.keelmq.protocol.message.WireMessage;
import io.keelmq.protocol.message.WireMessageCodec;
import jakarta.jms.Message;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Map;
import java.util.WeakHashMap;

/**
 * Message objects whose last send was answered with a status other than SEND_OK: stored, perhaps, but not known
 * to be durable. Sent again unchanged to the same destination, such a message keeps its JMSMessageID and goes as a
 * retry, so the broker drops the resend if the first send was stored and stores it once if not (RocketMQ keeps a
 * message's unique key when the same Message object is sent again).
 *
 * <p>Kept per message object, not per connection: the resend typically follows a broker restart, on a new
 * connection. Weak keys, so a message the application drops is forgotten. "Unchanged" is checked by a digest of
 * what the broker stores, leaving out the fields every send stamps anew (timestamp, expiration, delivery time):
 * an application that reuses one message object for the next, different message gets a new id, else the broker
 * would drop that message as a duplicate.
 */
final class UnconfirmedSends {
    /** What the unconfirmed send sent. */
    record Sent(String messageId, KeelDestination destination, byte[] digest) {
    }

    private static final Map<Message, Sent> SENT = new WeakHashMap<>();
    /** Lets the sends of messages never unconfirmed (nearly all) skip the lock. */
    private static volatile boolean empty = true;

    private UnconfirmedSends() {
    }

    /** The id to reuse: that of the message's unconfirmed send to {@code target}; null for a new one. */
    static String idToReuse(Message message, KeelDestination target) {
        Sent sent = sent(message);
        return sent != null && sent.destination().equals(target) ? sent.messageId() : null;
    }

    /** Whether {@code encoded}, the message about to be resent with the reused id, is what the unconfirmed send sent. */
    static boolean unchanged(Message message, byte[] encoded) {
        Sent sent = sent(message);
        return sent != null && Arrays.equals(sent.digest(), digest(encoded));
    }

    /** The send of {@code encoded} (the message's wire form) was answered with a status other than SEND_OK. */
    static void unconfirmed(Message message, String messageId, KeelDestination target, byte[] encoded) {
        Sent sent = new Sent(messageId, target, digest(encoded));
        synchronized (SENT) {
            SENT.put(message, sent);
            empty = false;
        }
    }

    /** The message's last send was answered SEND_OK: its next send is a new message. */
    static void confirmed(Message message) {
        if (empty) {
            return;
        }
        synchronized (SENT) {
            SENT.remove(message);
            empty = SENT.isEmpty();
        }
    }

    private static Sent sent(Message message) {
        if (empty) {
            return null;
        }
        synchronized (SENT) {
            return SENT.get(message);
        }
    }

    /** SHA-256 of the wire form without the fields each send sets from the clock. */
    private static byte[] digest(byte[] encoded) {
        WireMessage wire = WireMessageCodec.decode(encoded);
        wire.setTimestamp(0);
        wire.setExpiration(0);
        wire.setDeliveryTime(0);
        try {
            return MessageDigest.getInstance("SHA-256").digest(WireMessageCodec.encode(wire));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
    }
}
