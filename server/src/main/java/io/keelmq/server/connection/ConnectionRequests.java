package io.keelmq.server.connection;

import io.keelmq.protocol.frame.ErrorCode;
import io.keelmq.protocol.frame.Frame;
import io.keelmq.server.BrokerVersion;
import io.keelmq.server.config.ConfigKeys;
import io.keelmq.server.errors.RequestException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.LinkedHashMap;
import java.util.Map;

/** HANDSHAKE, SET_CLIENT_ID, HEARTBEAT and CLOSE. */
final class ConnectionRequests {
    private static final Logger LOG = LoggerFactory.getLogger(ConnectionRequests.class);

    private ConnectionRequests() {
    }

    static void handshake(Connection connection, Frame request) {
        if (connection.state() != Connection.State.AWAITING_HANDSHAKE) {
            throw RequestException.illegalState("the connection has already completed its handshake");
        }
        int version = chooseVersion(Headers.required(request, "protocolVersions"));
        if (version < 0) {
            refuse(connection, request, new RequestException(ErrorCode.UNSUPPORTED_VERSION, "no common protocol "
                    + "version: the client speaks " + request.header("protocolVersions") + ", the broker speaks "
                    + Frame.CURRENT_VERSION));
            return;
        }
        var authenticator = connection.services().authenticator();
        if (authenticator != null) {
            String user = Headers.optional(request, "user");
            String host = connection.output().remoteHost();
            if (authenticator.authenticate(user, Headers.optional(request, "password")) == null) {
                long delay = connection.services().loginThrottle().failed(host);
                LOG.warn("authentication failed for user '{}' from {}{}", user == null ? "" : user,
                        connection.output().describe(), delay > 0 ? "; answer delayed " + delay + " ms" : "");
                connection.refuseAfter(answer(request, new RequestException(ErrorCode.SECURITY,
                        "authentication failed: unknown user or wrong password")), delay);
                return;
            }
            connection.services().loginThrottle().succeeded(host);
            connection.user(user);
        }
        String clientId = Headers.optional(request, "clientId");
        if (clientId != null && !connection.services().connections().claimClientId(clientId, connection)) {
            refuse(connection, request, new RequestException(ErrorCode.INVALID_CLIENT_ID,
                    "client id '" + clientId + "' is in use by another connection"));
            return;
        }
        connection.clientId(clientId);
        long heartbeat = agreeHeartbeat(connection, Headers.optionalLong(request, "heartbeatInterval", 0));
        connection.opened();
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("protocolVersion", Integer.toString(version));
        headers.put("connectionId", connection.id());
        headers.put("brokerVersion", BrokerVersion.VERSION);
        headers.put("heartbeatInterval", Long.toString(heartbeat));
        headers.put("resourceManagerId", connection.services().resourceManagerId());
        // Optional (clients that do not know it ignore it): where else the client may find this broker's group.
        io.keelmq.server.ha.HaService ha = connection.services().sends().replication();
        if (ha != null && !ha.groupClientAddresses().isEmpty()) {
            headers.put(Frame.GROUP_BROKERS_HEADER, String.join(",", ha.groupClientAddresses()));
        }
        connection.output().handshakeDone(heartbeat);
        connection.respond(request, headers, null);
    }

    /** The highest version both sides speak, or -1. */
    private static int chooseVersion(String offered) {
        int chosen = -1;
        for (String token : offered.split(",")) {
            try {
                int version = Integer.parseInt(token.trim());
                if (version == Frame.CURRENT_VERSION) {
                    chosen = Math.max(chosen, version);
                }
            } catch (NumberFormatException e) {
                // an unparseable entry is a version this broker does not speak
            }
        }
        return chosen;
    }

    /** The client's proposal within the broker's bounds; the broker's default if it proposes none. */
    private static long agreeHeartbeat(Connection connection, long proposed) {
        var config = connection.services().config();
        if (proposed <= 0) {
            return config.get(ConfigKeys.HEARTBEAT_INTERVAL_MILLIS);
        }
        return Math.max(config.get(ConfigKeys.MIN_HEARTBEAT_INTERVAL_MILLIS),
                Math.min(config.get(ConfigKeys.MAX_HEARTBEAT_INTERVAL_MILLIS), proposed));
    }

    /** A failed handshake leaves a connection nobody can use: answer, then close it. */
    private static void refuse(Connection connection, Frame request, RequestException error) {
        connection.closeAfter(answer(request, error));
    }

    private static Frame answer(Frame request, RequestException error) {
        return request.isOneway() ? Frame.connectionError(error.errorCode(), error.getMessage())
                : Frame.errorResponse(request, error.errorCode(), error.getMessage());
    }

    static void setClientId(Connection connection, Frame request) {
        String clientId = Headers.required(request, "clientId");
        if (clientId.isEmpty()) {
            throw new RequestException(ErrorCode.INVALID_CLIENT_ID, "the client id must not be empty");
        }
        if (connection.clientId() != null) {
            throw RequestException.illegalState("the connection already has client id '" + connection.clientId() + "'");
        }
        if (!connection.services().connections().claimClientId(clientId, connection)) {
            throw new RequestException(ErrorCode.INVALID_CLIENT_ID,
                    "client id '" + clientId + "' is in use by another connection");
        }
        connection.clientId(clientId);
        connection.respond(request);
    }

    static void heartbeat(Connection connection, Frame request) {
        connection.respond(request);
    }

    static void close(Connection connection, Frame request) {
        connection.closeAfter(request.isOneway() ? null : Frame.responseTo(request, Map.of(), null));
    }
}
