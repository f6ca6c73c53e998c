package io.keelmq.jms.provider;

/**
 * The broker's answer to HANDSHAKE.
 *
 * @param connectionId broker-assigned, unique among the broker's connections
 * @param heartbeatIntervalMillis the interval both sides agreed on; 0 means no heartbeats
 * @param resourceManagerId the broker's XA resource-manager id (stable across its restarts), or null from a broker
 *     without XA
 */
public record ConnectionInfo(int protocolVersion, String connectionId, String brokerVersion,
                             long heartbeatIntervalMillis, String resourceManagerId) {
}
