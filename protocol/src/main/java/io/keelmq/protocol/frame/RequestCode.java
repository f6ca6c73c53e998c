package io.keelmq.protocol.frame;

/**
 * What a frame asks for. A response carries the code of the request it answers.
 *
 * <p>The numbers are part of the wire protocol and never change or get reused; they are
 * grouped by area with gaps so related requests added later stay next to each other.
 */
public enum RequestCode {
    /** First frame on a connection: protocol version, client id, credentials. */
    HANDSHAKE(1),
    /** Keeps an idle connection alive and detects dead peers. */
    HEARTBEAT(2),
    /** Connection teardown, and the code of the broker's unsolicited connection error. */
    CLOSE(3),
    /** Sets the JMS client identifier of a connection that has none yet. */
    SET_CLIENT_ID(4),

    CREATE_SESSION(10),
    CLOSE_SESSION(11),

    SEND(20),
    SEND_BATCH(21),
    /** Checks that the connection may send to a destination; the broker keeps no producer state. */
    CREATE_PRODUCER(22),

    CREATE_CONSUMER(30),
    CLOSE_CONSUMER(31),
    PULL(32),
    ACK(33),
    BROWSE(34),
    UNSUBSCRIBE(35),
    /** Client to broker, ONEWAY: widens the window of a consumer's standing PULL (messages and bytes, cumulative). */
    CREDIT(36),

    COMMIT(40),
    ROLLBACK(41),
    RECOVER(42),
    /** A transactional producer's decision (COMMIT, ROLLBACK or UNKNOWN) on one half message it stored. */
    END_TRANSACTION(43),
    /**
     * Broker to client, ONEWAY: asks a member of a producer group how the local transaction behind a half message
     * ended; the client answers with END_TRANSACTION.
     */
    CHECK_TRANSACTION(44),

    CREATE_DESTINATION(50),
    DELETE_DESTINATION(51),

    /** An administration command against the running broker (e.g. list destinations); needs {@code manage}. */
    ADMIN(60),

    /*
     * XA branches (spec chapter 11, X/Open XA): a transacted session's transaction whose decision a transaction
     * manager makes. The branch is named by headers formatId, gtrid and bqual (hex).
     */
    /** Associates a transacted session's work from now on with a branch (flags TMNOFLAGS, TMJOIN, TMRESUME). */
    XA_START(70),
    /** Ends the association (TMSUCCESS, TMFAIL, TMSUSPEND); the body lists the messages the session consumed. */
    XA_END(71),
    /** Makes the branch durable (its halves and a PREPARE record, forced); answers {@code vote} OK or RDONLY. */
    XA_PREPARE(72),
    /** Commits a branch: prepared (two-phase) or, with {@code onePhase=true}, ended but not prepared. */
    XA_COMMIT(73),
    XA_ROLLBACK(74),
    /** Lists the prepared branches (body: count, then each Xid), also those recovered at start-up. */
    XA_RECOVER(75),
    XA_FORGET(76);

    private static final RequestCode[] BY_CODE = indexByCode();

    private final short code;

    RequestCode(int code) {
        this.code = (short) code;
    }

    /** The stable number sent on the wire. */
    public short code() {
        return code;
    }

    /**
     * The request code with the given number.
     *
     * @throws ProtocolException ({@link ErrorCode#UNKNOWN_REQUEST}) if no request has that
     *     number, e.g. because the peer is newer than this one
     */
    public static RequestCode fromCode(short code) {
        if (code >= 0 && code < BY_CODE.length && BY_CODE[code] != null) {
            return BY_CODE[code];
        }
        throw new ProtocolException(ErrorCode.UNKNOWN_REQUEST, "unknown request code " + code);
    }

    // A dense array makes the per-frame lookup a bounds check and an index.
    private static RequestCode[] indexByCode() {
        int max = 0;
        for (RequestCode rc : values()) {
            max = Math.max(max, rc.code);
        }
        RequestCode[] table = new RequestCode[max + 1];
        for (RequestCode rc : values()) {
            if (table[rc.code] != null) {
                throw new ExceptionInInitializerError("duplicate request code " + rc.code);
            }
            table[rc.code] = rc;
        }
        return table;
    }
}
