package io.keelmq.jms.provider;

import io.keelmq.protocol.frame.ErrorCode;
import io.keelmq.protocol.frame.RequestCode;
import jakarta.jms.IllegalStateException;
import jakarta.jms.InvalidClientIDException;
import jakarta.jms.InvalidDestinationException;
import jakarta.jms.InvalidSelectorException;
import jakarta.jms.JMSException;
import jakarta.jms.JMSSecurityException;
import jakarta.jms.ResourceAllocationException;
import jakarta.jms.TransactionRolledBackException;

/**
 * Turns the broker's error codes into the Jakarta Messaging exceptions the spec names for each situation
 * (chapter 10), so the application can catch a precise type. The JMS error code of the exception is the
 * {@link ErrorCode} name, and the broker's explanation is kept in the message, prefixed with the request that failed.
 */
public final class ErrorMapping {

    private ErrorMapping() {
    }

    public static JMSException toException(RequestCode request, ErrorCode code, String brokerMessage) {
        String detail = brokerMessage == null || brokerMessage.isEmpty() ? "(no explanation)" : brokerMessage;
        String reason = (request == null ? "request" : request.name()) + " failed with " + code + ": " + detail;
        String errorCode = code.name();
        return switch (code) {
            // The broker's text names the limit (maxMessageSize); it is repeated here so the cause is unmistakable.
            case MESSAGE_TOO_LARGE -> new JMSException("message too large for the broker's maxMessageSize: "
                    + detail, errorCode);
            case INVALID_SELECTOR -> new InvalidSelectorException(reason, errorCode);
            case NOT_FOUND -> new InvalidDestinationException(reason, errorCode);
            case SECURITY -> new JMSSecurityException(reason, errorCode);
            case INVALID_CLIENT_ID -> new InvalidClientIDException(reason, errorCode);
            case ILLEGAL_STATE -> new IllegalStateException(reason, errorCode);
            case RESOURCE_EXHAUSTED, LIMIT_EXCEEDED -> new ResourceAllocationException(reason, errorCode);
            case BUSY -> new BrokerBusyException(reason);
            case TRANSACTION_ROLLED_BACK -> new TransactionRolledBackException(reason, errorCode);
            default -> new JMSException(reason, errorCode);
        };
    }
}
