package io.keelmq.jms.provider;

/**
 * The broker's answer to HANDSHAKE.
 *
 * @param connectionId broker-assigned, unique among the broker's connections
 * @param heartbeatIntervalMillis the interval both sides agreed on; 0 means no heartbeats
 * @param resourceManagerId the broker's XA resource-manager id (stable across its restarts), or null from a broker
 *     without XA
 * @param groupBrokers the client addresses ({@code host:port}, master first when known) of the brokers of the
 *     answering broker's replication group as it knows them; empty from a broker that is not replicated (or older)
 */
public record ConnectionInfo(int protocolVersion, String connectionId, String brokerVersion,
                             long heartbeatIntervalMillis, String resourceManagerId, java.util.List<String> groupBrokers) {
    public ConnectionInfo {
        groupBrokers = groupBrokers == null ? java.util.List.of() : java.util.List.copyOf(groupBrokers);
    }

    /** An answer that names no other broker of a group. */
    public ConnectionInfo(int protocolVersion, String connectionId, String brokerVersion, long heartbeatIntervalMillis,
                          String resourceManagerId) {
        this(protocolVersion, connectionId, brokerVersion, heartbeatIntervalMillis, resourceManagerId,
                java.util.List.of());
    }
}
