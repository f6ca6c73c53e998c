package io.keelmq.server.send;

import io.keelmq.protocol.frame.ErrorCode;
import io.keelmq.server.errors.RequestException;
import io.keelmq.store.AppendResult;

/**
 * Turns the store's append outcome into the contract's answer. Statuses under which the
 * message is stored are answers ({@code status} header: the client decides what a
 * FLUSH_DISK_TIMEOUT means to it); statuses under which nothing was stored are errors.
 */
final class SendStatusMapper {

    private SendStatusMapper() {
    }

    /** The send status header for a stored message, or null if the outcome is an error. */
    static String status(AppendResult result) {
        return switch (result.status()) {
            case PUT_OK -> "SEND_OK";
            case FLUSH_DISK_TIMEOUT -> "FLUSH_DISK_TIMEOUT";
            default -> null;
        };
    }

    /** The error for an outcome under which nothing was stored. */
    static RequestException error(AppendResult result) {
        String why = result.error() == null ? result.status().name() : result.error();
        return switch (result.status()) {
            case MESSAGE_SIZE_EXCEEDED -> new RequestException(ErrorCode.MESSAGE_TOO_LARGE, why);
            // The store refuses only fields over its limits (message id, keys, destination
            // name): the message is too large in one of its parts, which the client can fix.
            case MESSAGE_ILLEGAL -> new RequestException(ErrorCode.MESSAGE_TOO_LARGE, "message refused: " + why);
            case DISK_FULL -> new RequestException(ErrorCode.RESOURCE_EXHAUSTED, "disk full, nothing stored: " + why);
            case IO_ERROR -> new RequestException(ErrorCode.INTERNAL, "store I/O error: " + why);
            case SERVICE_NOT_AVAILABLE -> new RequestException(ErrorCode.INTERNAL, "broker is shutting down: " + why);
            default -> new RequestException(ErrorCode.INTERNAL, "unexpected store status " + result.status());
        };
    }
}
