package io.keelmq.jms.provider;

/**
 * The broker's answer to HANDSHAKE.
 *
 * @param connectionId broker-assigned, unique among the broker's connections
 * @param heartbeatIntervalMillis the interval both sides agreed on; 0 means no heartbeats
 */
public record ConnectionInfo(int protocolVersion, String connectionId, String brokerVersion,
                             long heartbeatIntervalMillis) {
}
