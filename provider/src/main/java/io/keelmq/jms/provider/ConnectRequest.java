package io.keelmq.jms.provider;

/**
 * What the client states in HANDSHAKE.
 *
 * @param clientId the administratively configured client id, or null
 * @param user null for none
 * @param password null for none
 * @param heartbeatIntervalMillis the interval the client proposes; 0 proposes no heartbeats
 */
public record ConnectRequest(String clientId, String user, String password, long heartbeatIntervalMillis) {
}
