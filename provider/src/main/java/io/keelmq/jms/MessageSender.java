package io.keelmq.jms;

import io.keelmq.jms.message.KeelMessage;
import io.keelmq.jms.message.PropertyNames;
import io.keelmq.jms.message.WireConverter;
import io.keelmq.jms.provider.BrokerBusyException;
import io.keelmq.jms.provider.ConnectionFailedException;
import io.keelmq.jms.provider.Provider;
import io.keelmq.jms.provider.RequestTimeoutException;
import io.keelmq.jms.provider.SendCallback;
import io.keelmq.jms.provider.SendRequest;
import io.keelmq.jms.provider.SendResult;
import io.keelmq.protocol.message.WireMessageCodec;
import jakarta.jms.CompletionListener;
import jakarta.jms.DeliveryMode;
import jakarta.jms.Destination;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.MessageFormatException;

/**
 * The send path of a session (ARCHITECTURE.md, "Send path"): stamps the send-time headers on the application's
 * message (spec 3.4.11), encodes it once, sends it, retries transport failures with {@code retry=true}, and turns the
 * broker's status into the outcome the application sees.
 *
 * <p>A PERSISTENT send waits for the broker's answer; a NON_PERSISTENT one is written oneway and completes when it
 * is written, the lower reliability the spec allows for it (7.3). The disableMessageID hint is not taken: the broker
 * indexes messages by id and drops the duplicate of a retried send by it, so every message carries one.
 *
 * <p>Each send gives the message a new id (spec 3.4.3), except the resend of a message object whose previous send
 * was answered with a status other than SEND_OK: that keeps its id and goes as a retry ({@link UnconfirmedSends}).
 */
final class MessageSender {
    private final KeelSession session;
    private final KeelConnection connection;
    private final Provider provider;
    private final ConnectionOptions options;

    MessageSender(KeelSession session) {
        this.session = session;
        this.connection = session.connection();
        this.provider = connection.provider();
        this.options = connection.options();
    }

    /** @param listener null for a synchronous send */
    void send(long producerId, Destination destination, Message message, SendParams params,
              CompletionListener listener) throws JMSException {
        checkSendable(message);
        KeelDestination target = KeelDestination.of(destination);
        String reusedId = UnconfirmedSends.idToReuse(message, target);
        stamp(message, target, params, reusedId != null ? reusedId : connection.nextMessageId());
        byte[] encoded = encode(message);
        if (reusedId != null && !UnconfirmedSends.unchanged(message, encoded)) {
            // The application reused the object for another message: a new one, which must not be dropped.
            reusedId = null;
            message.setJMSMessageID(connection.nextMessageId());
            encoded = encode(message);
        }
        // A resend of an unconfirmed message goes as a retry: the broker drops it if the first one was stored.
        SendRequest request = new SendRequest(session.sessionId(), producerId, encoded,
                params.deliveryMode() == DeliveryMode.NON_PERSISTENT, reusedId != null, options.getSendMsgTimeout());
        if (listener == null) {
            finish(message, target, request, sendWithRetries(request));
        } else {
            CompletionQueue.Entry entry = session.completions().add(message, listener);
            provider.send(request, new AsyncAttempt(request, message, target, entry,
                    options.getRetryTimesWhenSendAsyncFailed(), 1));
        }
    }

    /**
     * Checks the message and the connection, stamps the send-time headers with a new message id and encodes the
     * message once (a retry resends exactly these bytes). For {@link KeelTransactionalProducer}, whose half message
     * is decided by its transaction id, not resent by the application.
     */
    byte[] prepareToSend(Message message, Destination destination, SendParams params) throws JMSException {
        checkSendable(message);
        stamp(message, KeelDestination.of(destination), params, connection.nextMessageId());
        return encode(message);
    }

    private void checkSendable(Message message) throws JMSException {
        if (message == null) {
            throw new MessageFormatException("the message to send is null");
        }
        if (provider.isClosed()) {
            // Thrown here rather than reported to a CompletionListener: the send never started (spec 7.3.3).
            connection.throwIfFailed();
            throw new ConnectionFailedException("the connection to the broker is closed", null);
        }
    }

    private static byte[] encode(Message message) throws JMSException {
        try {
            return WireMessageCodec.encode(WireConverter.toWire(message));
        } catch (IllegalArgumentException e) {
            MessageFormatException mfe = new MessageFormatException("message cannot be encoded: " + e.getMessage());
            mfe.initCause(e);
            throw mfe;
        }
    }

    private void stamp(Message message, KeelDestination target, SendParams params, String messageId)
            throws JMSException {
        long now = System.currentTimeMillis();
        message.setJMSDestination(target);
        message.setJMSDeliveryMode(params.deliveryMode());
        message.setJMSPriority(params.priority());
        message.setJMSTimestamp(params.disableTimestamp() ? 0 : now);
        message.setJMSExpiration(params.timeToLive() > 0 ? now + params.timeToLive() : 0);
        message.setJMSDeliveryTime(now + params.deliveryDelay());
        message.setJMSMessageID(messageId);
        if (message instanceof KeelMessage keel) {
            keel.onSend();
        }
    }

    private SendResult sendWithRetries(SendRequest request) throws JMSException {
        int retriesLeft = options.getRetryTimesWhenSendFailed();
        for (int attempt = 1; ; attempt++) {
            try {
                return provider.send(request);
            } catch (JMSException e) {
                if (!isRetryable(e) || retriesLeft-- <= 0) {
                    throw e;
                }
                if (e instanceof BrokerBusyException) {
                    sleep(backoffMillis(attempt));
                }
                request = request.asRetry();
            }
        }
    }

    /** Timeouts and lost connections may have stored the message, hence retry=true; BUSY stored nothing. */
    private static boolean isRetryable(JMSException e) {
        return e instanceof RequestTimeoutException || e instanceof BrokerBusyException
                || e instanceof ConnectionFailedException;
    }

    private static long backoffMillis(int attempt) {
        return Math.min(1000, 100L * attempt);
    }

    private static void sleep(long millis) throws JMSException {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            JMSException interrupted = new JMSException("interrupted while backing off from a busy broker");
            interrupted.initCause(e);
            throw interrupted;
        }
    }

    /**
     * Records the broker's status on the message and throws for a status other than SEND_OK (if configured). Such a
     * message, sent again unchanged, keeps its id ({@link UnconfirmedSends}); one answered SEND_OK gets a new one.
     */
    private void finish(Message message, KeelDestination target, SendRequest request, SendResult result)
            throws JMSException {
        if (!result.isConfirmed()) {
            return;
        }
        SendStatus status;
        try {
            status = SendStatus.valueOf(result.status());
        } catch (IllegalArgumentException e) {
            throw new JMSException("the broker answered SEND with the unknown status '" + result.status() + "'");
        }
        if (status == SendStatus.SEND_OK) {
            UnconfirmedSends.confirmed(message);
        } else {
            UnconfirmedSends.unconfirmed(message, message.getJMSMessageID(), target, request.encodedMessage());
        }
        try {
            if (message instanceof KeelMessage keel) {
                keel.setProviderProperty(PropertyNames.KEEL_SEND_STATUS, status.name());
            } else {
                message.setStringProperty(PropertyNames.KEEL_SEND_STATUS, status.name());
            }
        } catch (JMSException | RuntimeException e) {
            // Another provider's read-only message: the status is still reported by the exception below.
        }
        if (status != SendStatus.SEND_OK && options.isThrowOnSendStatus()) {
            throw new SendStatusException(status, message.getJMSMessageID());
        }
    }

    /** One attempt of an asynchronous send; on a retryable failure it starts the next attempt itself. */
    private final class AsyncAttempt implements SendCallback {
        private final SendRequest request;
        private final Message message;
        private final KeelDestination target;
        private final CompletionQueue.Entry entry;
        private final int retriesLeft;
        private final int attempt;

        AsyncAttempt(SendRequest request, Message message, KeelDestination target, CompletionQueue.Entry entry,
                     int retriesLeft, int attempt) {
            this.request = request;
            this.message = message;
            this.target = target;
            this.entry = entry;
            this.retriesLeft = retriesLeft;
            this.attempt = attempt;
        }

        @Override
        public void onSuccess(SendResult result) {
            try {
                finish(message, target, request, result);
                session.completions().complete(entry, null);
            } catch (JMSException e) {
                session.completions().complete(entry, e);
            }
        }

        @Override
        public void onFailure(JMSException failure) {
            if (!isRetryable(failure) || retriesLeft <= 0) {
                session.completions().complete(entry, failure);
                return;
            }
            SendRequest retry = request.asRetry();
            AsyncAttempt next = new AsyncAttempt(retry, message, target, entry, retriesLeft - 1, attempt + 1);
            long delay = failure instanceof BrokerBusyException ? backoffMillis(attempt) : 0;
            if (!connection.schedule(() -> provider.send(retry, next), delay)) {
                session.completions().complete(entry, failure);
            }
        }
    }
}
