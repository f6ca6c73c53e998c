package io.keelmq.protocol.frame;

/**
 * Why a request failed or a connection was closed, as carried in an error frame.
 *
 * <p>The numeric codes are part of the wire protocol: peers of different releases exchange
 * them, so a code is never renumbered or reused. New codes are appended with new numbers.
 * Codes 1-99 describe violations of the framing itself (the connection is closed after
 * them); codes from 100 describe the failure of one well-formed request.
 */
public enum ErrorCode {
    /** The bytes do not follow the frame or message layout. */
    MALFORMED_FRAME(1),
    /** A frame's length field exceeds {@link FrameLimits#maxFrameSize()}. */
    FRAME_TOO_LARGE(2),
    /** A frame carries more headers than {@link FrameLimits#maxHeaderCount()}. */
    TOO_MANY_HEADERS(3),
    /** A frame's header section exceeds {@link FrameLimits#maxHeaderBytes()}. */
    HEADERS_TOO_LARGE(4),
    /** The frame's protocol version is not one this peer speaks. */
    UNSUPPORTED_VERSION(5),
    /** The request code is not one this peer knows. */
    UNKNOWN_REQUEST(6),
    /**
     * A configured limit of the receiving peer was exceeded (properties per message, connections per address,
     * consumers per session...); the text names the limit and its value. The connection is closed.
     */
    LIMIT_EXCEEDED(7),

    /** The message is larger than the broker's {@code maxMessageSize}. */
    MESSAGE_TOO_LARGE(100),
    /** The message selector does not parse or type-check. */
    INVALID_SELECTOR(101),
    /** Authentication or authorisation failed. */
    SECURITY(102),
    /** The destination, subscription, consumer, session or transaction does not exist. */
    NOT_FOUND(103),
    /** The request is not valid in the current state (closed session, active consumer...). */
    ILLEGAL_STATE(104),
    /** The broker cannot keep up (send queue wait exceeded); the client should back off and retry. */
    BUSY(105),
    /** A failure inside the broker that the client cannot correct. */
    INTERNAL(106),
    /** The client identifier is invalid or already in use by another connection. */
    INVALID_CLIENT_ID(107),
    /** A commit could not complete and the transaction was rolled back instead. */
    TRANSACTION_ROLLED_BACK(108),
    /** A resource limit (disk watermark, memory) refuses the request; nothing was stored. */
    RESOURCE_EXHAUSTED(109),
    /** A header or property of the message has a value the broker refuses (the text names it); nothing was stored. */
    MESSAGE_ILLEGAL(110),
    /** XA: the broker knows no branch with that Xid (the client's XAException.XAER_NOTA). */
    XA_NOTA(111),
    /** XA: the call is not valid in the branch's state (XAException.XAER_PROTO). */
    XA_PROTO(112),
    /** XA: a branch with that Xid exists already (XAException.XAER_DUPID). */
    XA_DUPID(113),
    /** XA: the branch was rolled back: marked rollback-only by TMFAIL, or its commit failed (XA_RBROLLBACK). */
    XA_RBROLLBACK(114),
    /** XA: the branch was rolled back because it outlived its transaction timeout (XA_RBTIMEOUT). */
    XA_RBTIMEOUT(115),
    /** XA: an operator committed the branch heuristically; forget it (XAException.XA_HEURCOM). */
    XA_HEURCOM(116),
    /** XA: an operator rolled the branch back heuristically; forget it (XAException.XA_HEURRB). */
    XA_HEURRB(117),
    /**
     * Replication: fewer brokers of the group are in sync (master included) than the master's
     * {@code minInSyncReplicas} (RocketMQ 5's name); nothing was stored, the send may be retried, on another master too.
     */
    IN_SYNC_REPLICAS_NOT_ENOUGH(130),
    /** Replication: this broker is a slave and takes no sends or other writes; the text names its master. */
    NOT_MASTER(131);

    private final int code;

    ErrorCode(int code) {
        this.code = code;
    }

    /** The stable number sent on the wire. */
    public int code() {
        return code;
    }

    /**
     * The error code with the given number.
     *
     * @throws ProtocolException ({@link #MALFORMED_FRAME}) if no error code has that number
     */
    public static ErrorCode fromCode(int code) {
        for (ErrorCode candidate : values()) {
            if (candidate.code == code) {
                return candidate;
            }
        }
        throw new ProtocolException(MALFORMED_FRAME, "unknown error code " + code);
    }
}
