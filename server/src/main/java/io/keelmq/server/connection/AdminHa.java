package io.keelmq.server.connection;

import io.keelmq.protocol.frame.ErrorCode;
import io.keelmq.protocol.frame.Frame;
import io.keelmq.server.errors.RequestException;
import io.keelmq.server.ha.controller.HaAdmin;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * ADMIN {@value #STATUS} and {@value #ELECT} (header {@code broker}, optional {@code group}): automatic failover's
 * administration through any broker of the cluster in controller mode, slaves included (keel-admin ha ...).
 */
final class AdminHa {
    static final String STATUS = "ha-status";
    static final String ELECT = "ha-elect";

    private AdminHa() {
    }

    static void handle(Connection connection, Frame request, String command) {
        try {
            String text = switch (command) {
                case STATUS -> HaAdmin.status(connection.services().config());
                case ELECT -> HaAdmin.elect(connection.services().config(), Headers.optional(request, "group"),
                        Headers.required(request, "broker"));
                default -> throw RequestException.notFound("unknown ADMIN command '" + command + "' (known: "
                        + STATUS + ", " + ELECT + ")");
            };
            connection.respond(request, Map.of(), text.getBytes(StandardCharsets.UTF_8));
        } catch (IllegalArgumentException e) {
            throw new RequestException(ErrorCode.NOT_FOUND, e.getMessage());
        } catch (IllegalStateException e) {
            throw RequestException.illegalState(e.getMessage());
        } catch (IOException e) {
            throw new RequestException(ErrorCode.INTERNAL, command + ": the controller did not answer: "
                    + e.getMessage(), e);
        }
    }
}
