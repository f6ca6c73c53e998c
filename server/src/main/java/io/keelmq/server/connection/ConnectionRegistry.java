package io.keelmq.server.connection;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Every open connection, and the client ids in use: JMS requires a client id to be used by
 * one connection at a time (INVALID_CLIENT_ID otherwise).
 */
public final class ConnectionRegistry {
    private final Map<String, Connection> connections = new ConcurrentHashMap<>();
    private final Map<String, Connection> clientIds = new ConcurrentHashMap<>();

    /**
     * A new connection id. Random rather than counted: noLocal compares the id recorded in
     * stored messages, which must never match a connection of a later broker run.
     */
    String newConnectionId() {
        return UUID.randomUUID().toString();
    }

    void add(Connection connection) {
        connections.put(connection.id(), connection);
    }

    void remove(Connection connection) {
        connections.remove(connection.id(), connection);
    }

    /** Takes {@code clientId} for {@code connection}; false if another connection has it. */
    boolean claimClientId(String clientId, Connection connection) {
        return clientIds.putIfAbsent(clientId, connection) == null;
    }

    void releaseClientId(String clientId, Connection connection) {
        clientIds.remove(clientId, connection);
    }

    public List<Connection> all() {
        return new ArrayList<>(connections.values());
    }

    public int size() {
        return connections.size();
    }
}
