package io.keelmq.server.connection;

import io.keelmq.protocol.frame.Frame;
import io.keelmq.protocol.frame.ProtocolException;
import io.keelmq.protocol.message.BodyType;
import io.keelmq.protocol.message.DestinationRef;
import io.keelmq.protocol.message.TextBody;
import io.keelmq.protocol.message.WireMessage;
import io.keelmq.server.admin.FoundMessage;
import io.keelmq.server.destination.Destination;
import io.keelmq.server.errors.RequestException;
import io.keelmq.server.message.StoredForm;
import io.keelmq.server.security.Authorizer;
import io.keelmq.server.security.Permission;
import io.keelmq.store.MessageStore;
import io.keelmq.store.StoredMessage;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * ADMIN {@code message-query}: finds stored messages by key ({@code JMS_Keel_Keys}, through the index), by message id
 * (the index) or by store time on one destination (its consume queues, binary-searched by time). Only destinations
 * the user may {@code manage} are searched or shown; the broker's own {@code system/*} records never are.
 */
final class AdminMessageQuery {
    static final String COMMAND = "message-query";
    static final int DEFAULT_LIMIT = 32;
    static final int MAX_LIMIT = 1_000;
    private static final int PREVIEW_CHARS = 60;

    private AdminMessageQuery() {
    }

    static void query(Connection connection, Frame request) {
        String key = Headers.optional(request, "key");
        String messageId = Headers.optional(request, "messageId");
        long from = Headers.optionalLong(request, "from", 0);
        long to = Headers.optionalLong(request, "to", Long.MAX_VALUE);
        int limit = Headers.optionalInt(request, "limit", DEFAULT_LIMIT);
        if (limit < 1 || limit > MAX_LIMIT) {
            throw RequestException.illegalState("limit " + limit + " is out of range 1.." + MAX_LIMIT);
        }
        if (from > to) {
            throw RequestException.illegalState("the time range is empty: from " + from + " is after to " + to);
        }
        if (key != null && messageId != null) {
            throw RequestException.illegalState("query by key or by message id, not both");
        }
        Destination destination = destination(connection, request);
        MessageStore store = connection.services().store();
        List<StoredMessage> stored;
        try {
            if (key != null) {
                stored = store.queryByKey(key, from, to, MAX_LIMIT);
            } else if (messageId != null) {
                stored = store.queryByMessageId(messageId, from, to);
            } else if (destination != null) {
                stored = inTimeRange(store, destination, from, to, limit);
            } else {
                throw RequestException.illegalState("a query needs a key, a message id or a destination");
            }
        } catch (IOException e) {
            throw new UncheckedIOException("message query failed", e);
        } catch (IllegalStateException e) {
            // the message index is disabled
            throw RequestException.illegalState(e.getMessage());
        }
        List<FoundMessage> found = new ArrayList<>();
        for (StoredMessage message : stored) {
            Destination where = connection.services().destinations().findByStoreName(message.destination());
            if (where == null || (destination != null && where != destination) || !mayManage(connection, where)) {
                continue;
            }
            found.add(describe(where, message));
            if (found.size() == limit) {
                break;
            }
        }
        connection.respond(request, Map.of(), FoundMessage.encode(found));
    }

    /** The {@code destinationKind}/{@code destination} headers' destination, null if absent. */
    private static Destination destination(Connection connection, Frame request) {
        String name = Headers.optional(request, "destination");
        if (name == null) {
            return null;
        }
        DestinationRef.Kind kind = Destination.parseKind(Headers.required(request, "destinationKind"));
        connection.authorize(Permission.MANAGE, kind, name);
        Destination destination = connection.services().destinations().find(kind, name);
        if (destination == null) {
            throw RequestException.notFound(kind.name().toLowerCase(java.util.Locale.ROOT) + " '" + name
                    + "' does not exist");
        }
        return destination;
    }

    private static boolean mayManage(Connection connection, Destination destination) {
        Authorizer authorizer = connection.services().authorizer();
        return authorizer == null || authorizer.allows(connection.user(), Permission.MANAGE, destination.name());
    }

    /** Up to {@code limit} messages of each partition stored within [from, to], oldest first. */
    private static List<StoredMessage> inTimeRange(MessageStore store, Destination destination, long from, long to,
                                                   int limit) throws IOException {
        List<StoredMessage> found = new ArrayList<>();
        String name = destination.storeName();
        for (int p = 0; p < destination.partitions(); p++) {
            long offset = Math.max(store.minQueueOffset(name, p), store.queueOffsetAtTime(name, p, from));
            int taken = 0;
            scan:
            while (taken < limit) {
                List<StoredMessage> batch = store.readQueue(name, p, offset, Math.min(64, limit - taken));
                if (batch.isEmpty()) {
                    break;
                }
                for (StoredMessage message : batch) {
                    offset = message.queueOffset() + 1;
                    if (message.storeTimestamp() > to) {
                        break scan;
                    }
                    found.add(message);
                    taken++;
                }
            }
        }
        found.sort(Comparator.comparingLong(StoredMessage::storeTimestamp).thenComparingInt(StoredMessage::partition)
                .thenComparingLong(StoredMessage::queueOffset));
        return found;
    }

    private static FoundMessage describe(Destination destination, StoredMessage stored) {
        String tag = null;
        String preview;
        try {
            WireMessage message = StoredForm.decode(stored).message();
            Object tagValue = message.getProperty(StoredForm.TAG);
            tag = tagValue == null ? null : tagValue.toString();
            preview = preview(message.getBodyType(), message.getBody());
        } catch (ProtocolException e) {
            preview = "<undecodable: " + e.getMessage() + ">";
        }
        return new FoundMessage(destination.kind(), destination.name(), stored.partition(), stored.queueOffset(),
                stored.messageId(), stored.storeTimestamp(), tag, stored.keys(), preview);
    }

    /** A text body's start (on one line), or the body's type and size. */
    static String preview(BodyType type, byte[] body) {
        if (type == BodyType.NONE || body == null) {
            return type == BodyType.NONE ? "<no body>" : "<" + type + " null>";
        }
        if (type != BodyType.TEXT) {
            return "<" + type + " " + body.length + " bytes>";
        }
        String text = TextBody.decode(body);
        text = text.replaceAll("\\s+", " ");
        return text.length() <= PREVIEW_CHARS ? text : text.substring(0, PREVIEW_CHARS) + "...";
    }
}
