package io.keelmq.server.connection;

import io.keelmq.protocol.frame.ErrorCode;
import io.keelmq.protocol.frame.Frame;
import io.keelmq.protocol.frame.ProtocolException;
import io.keelmq.protocol.frame.RequestCode;
import io.keelmq.server.errors.RequestException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.EnumMap;
import java.util.Map;

/**
 * Sends each request to its handler and turns failures into answers: a RequestException
 * into its error, anything unexpected into INTERNAL (logged). Enforces the contract's
 * opening rule: the first frame must be HANDSHAKE.
 */
final class RequestRouter {
    private static final Logger LOG = LoggerFactory.getLogger(RequestRouter.class);

    static final RequestRouter INSTANCE = new RequestRouter();

    /** What a slave (brokerRole=SLAVE) answers: the connection's own requests; everything else is NOT_MASTER. */
    private static final java.util.Set<RequestCode> ON_A_SLAVE = java.util.EnumSet.of(RequestCode.HANDSHAKE,
            RequestCode.SET_CLIENT_ID, RequestCode.HEARTBEAT, RequestCode.CLOSE, RequestCode.CREATE_SESSION,
            RequestCode.CLOSE_SESSION);

    /** keel-admin ha ... asks any broker of the group, a slave too: it reads and writes nothing of the broker's. */
    private static boolean isHaAdmin(RequestCode code, Frame frame) {
        String command = code == RequestCode.ADMIN ? frame.header("command") : null;
        return command != null && command.startsWith("ha-");
    }

    private final Map<RequestCode, RequestHandler> handlers = new EnumMap<>(RequestCode.class);

    private RequestRouter() {
        handlers.put(RequestCode.HANDSHAKE, ConnectionRequests::handshake);
        handlers.put(RequestCode.SET_CLIENT_ID, ConnectionRequests::setClientId);
        handlers.put(RequestCode.HEARTBEAT, ConnectionRequests::heartbeat);
        handlers.put(RequestCode.CLOSE, ConnectionRequests::close);
        handlers.put(RequestCode.CREATE_SESSION, SessionRequests::createSession);
        handlers.put(RequestCode.CLOSE_SESSION, SessionRequests::closeSession);
        handlers.put(RequestCode.RECOVER, SessionRequests::recover);
        handlers.put(RequestCode.COMMIT, SessionRequests::commit);
        handlers.put(RequestCode.ROLLBACK, SessionRequests::rollback);
        handlers.put(RequestCode.END_TRANSACTION, TransactionRequests::endTransaction);
        handlers.put(RequestCode.CHECK_TRANSACTION, TransactionRequests::checkTransaction);
        handlers.put(RequestCode.SEND, SendRequests::send);
        handlers.put(RequestCode.SEND_BATCH, SendRequests::send);
        handlers.put(RequestCode.CREATE_CONSUMER, ConsumerRequests::createConsumer);
        handlers.put(RequestCode.CLOSE_CONSUMER, ConsumerRequests::closeConsumer);
        handlers.put(RequestCode.PULL, ConsumerRequests::pull);
        handlers.put(RequestCode.CREDIT, ConsumerRequests::credit);
        handlers.put(RequestCode.ACK, ConsumerRequests::ack);
        handlers.put(RequestCode.UNSUBSCRIBE, ConsumerRequests::unsubscribe);
        handlers.put(RequestCode.BROWSE, ConsumerRequests::browse);
        handlers.put(RequestCode.CREATE_DESTINATION, DestinationRequests::create);
        handlers.put(RequestCode.DELETE_DESTINATION, DestinationRequests::delete);
        handlers.put(RequestCode.CREATE_PRODUCER, ProducerRequests::createProducer);
        handlers.put(RequestCode.ADMIN, AdminRequests::admin);
        handlers.put(RequestCode.XA_START, XaRequests::start);
        handlers.put(RequestCode.XA_END, XaRequests::end);
        handlers.put(RequestCode.XA_PREPARE, XaRequests::prepare);
        handlers.put(RequestCode.XA_COMMIT, XaRequests::commit);
        handlers.put(RequestCode.XA_ROLLBACK, XaRequests::rollback);
        handlers.put(RequestCode.XA_RECOVER, XaRequests::recover);
        handlers.put(RequestCode.XA_FORGET, XaRequests::forget);
        for (RequestCode code : RequestCode.values()) {
            if (!handlers.containsKey(code)) {
                throw new ExceptionInInitializerError("no handler for " + code);
            }
        }
    }

    /** @param arrivedNanos {@link System#nanoTime()} when the frame arrived (a send waiting too long is BUSY) */
    void route(Connection connection, Frame frame, long arrivedNanos) {
        if (!connection.isOpen() && connection.state() != Connection.State.AWAITING_HANDSHAKE) {
            return;
        }
        if (frame.isResponse()) {
            // The broker sends no request that expects an answer; a stray response is ignored.
            return;
        }
        RequestCode code;
        try {
            code = frame.requestCode();
        } catch (ProtocolException e) {
            connection.closeWithError(e.errorCode(), e.getMessage());
            return;
        }
        if (connection.state() == Connection.State.AWAITING_HANDSHAKE && code != RequestCode.HANDSHAKE) {
            String problem = "the first frame on a connection must be HANDSHAKE, not " + code;
            connection.closeAfter(frame.isOneway() ? Frame.connectionError(ErrorCode.ILLEGAL_STATE, problem)
                    : Frame.errorResponse(frame, ErrorCode.ILLEGAL_STATE, problem));
            return;
        }
        try {
            io.keelmq.server.ha.HaService ha = connection.services().sends().replication();
            if (ha != null && ha.isSlave() && !ON_A_SLAVE.contains(code) && !isHaAdmin(code, frame)) {
                // A slave's log is its master's copy: nothing may write to it but replication.
                throw ha.notMaster();
            }
            if (code == RequestCode.SEND || code == RequestCode.SEND_BATCH) {
                SendRequests.send(connection, frame, arrivedNanos);
                return;
            }
            handlers.get(code).handle(connection, frame);
        } catch (RequestException e) {
            connection.fail(frame, e);
        } catch (ProtocolException e) {
            connection.fail(frame, new RequestException(e.errorCode(), e.getMessage(), e));
        } catch (Exception e) {
            LOG.error("{} on {} failed", frame, connection, e);
            connection.fail(frame, new RequestException(ErrorCode.INTERNAL, code + " failed in the broker: " + e, e));
        }
    }
}
