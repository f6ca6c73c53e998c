package io.keelmq.server.destination;

import io.keelmq.protocol.message.DestinationRef;

import java.util.Locale;

/**
 * A JMS destination and the log destination that holds its messages, named
 * {@code <kind>/<name>} in the store (protocol/README.md, "Store destinations"), so a queue
 * and a topic may share a name.
 */
public final class Destination {
    private final DestinationRef.Kind kind;
    private final String name;
    private final String storeName;
    private final int partitions;
    /** Connection that created a temporary destination; null for queues and topics. */
    private final String ownerConnectionId;
    private volatile boolean deleted;

    Destination(DestinationRef.Kind kind, String name, int partitions, String ownerConnectionId) {
        this.kind = kind;
        this.name = name;
        this.storeName = storeName(kind, name);
        this.partitions = partitions;
        this.ownerConnectionId = ownerConnectionId;
    }

    /** The store's name for a destination of {@code kind} called {@code name}. */
    public static String storeName(DestinationRef.Kind kind, String name) {
        return kindPrefix(kind) + "/" + name;
    }

    static String kindPrefix(DestinationRef.Kind kind) {
        return switch (kind) {
            case QUEUE -> "queue";
            case TOPIC -> "topic";
            case TEMPORARY_QUEUE -> "tempqueue";
            case TEMPORARY_TOPIC -> "temptopic";
        };
    }

    /** Parses a kind as written in headers ({@code QUEUE}, {@code TEMPORARY_TOPIC}, ...). */
    public static DestinationRef.Kind parseKind(String text) {
        return DestinationRef.Kind.valueOf(text.trim().toUpperCase(Locale.ROOT));
    }

    public DestinationRef.Kind kind() {
        return kind;
    }

    public String name() {
        return name;
    }

    public String storeName() {
        return storeName;
    }

    public int partitions() {
        return partitions;
    }

    public boolean isQueue() {
        return kind.isQueue();
    }

    public boolean isTemporary() {
        return kind.isTemporary();
    }

    public String ownerConnectionId() {
        return ownerConnectionId;
    }

    public boolean isDeleted() {
        return deleted;
    }

    void markDeleted() {
        deleted = true;
    }

    /** The partition of a message without a group: round robin spreads the write load. */
    /** The partition of a sending session: always the same one, so the session's messages stay in order. */
    public int partitionOfSession(String connectionAndSession) {
        return Math.floorMod(connectionAndSession.hashCode(), partitions);
    }

    /** The partition of a message group: always the same one, so the group stays in order. */
    public int partitionOfGroup(String groupId) {
        return Math.floorMod(groupId.hashCode(), partitions);
    }

    public DestinationRef ref() {
        return new DestinationRef(kind, name);
    }

    @Override
    public String toString() {
        return storeName;
    }
}
