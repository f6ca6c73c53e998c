package io.keelmq.jms;

import io.keelmq.jms.provider.ConnectionFailedException;
import io.keelmq.jms.provider.Provider;
import io.keelmq.jms.provider.RequestTimeoutException;
import io.keelmq.jms.provider.XaBranchId;
import jakarta.jms.JMSException;

import javax.transaction.xa.XAException;
import javax.transaction.xa.XAResource;
import javax.transaction.xa.Xid;
import java.util.List;
import java.util.Objects;

/**
 * The XAResource of one {@link KeelXASession}: each call is one XA request to the broker (protocol/README.md, "XA
 * branches"), and each broker error becomes the XAException code the XA contract names; a broker that cannot be
 * reached is XAER_RMFAIL. The resource-manager id (isSameRM) is the broker's, stable across its restarts.
 */
final class KeelXAResource implements XAResource {
    private final KeelXASession session;
    private volatile int timeoutSeconds;

    KeelXAResource(KeelXASession session) {
        this.session = session;
    }

    private Provider provider() {
        return session.connection().provider();
    }

    @Override
    public void start(Xid xid, int flags) throws XAException {
        if (flags != TMNOFLAGS && flags != TMJOIN && flags != TMRESUME) {
            throw error(XAException.XAER_INVAL, "start flags must be TMNOFLAGS, TMJOIN or TMRESUME, not 0x"
                    + Integer.toHexString(flags));
        }
        XaBranchId branch = branch(xid);
        call(() -> provider().xaStart(session.sessionId(), branch, flags, timeoutSeconds));
    }

    @Override
    public void end(Xid xid, int flags) throws XAException {
        if (flags != TMSUCCESS && flags != TMFAIL && flags != TMSUSPEND) {
            throw error(XAException.XAER_INVAL, "end flags must be TMSUCCESS, TMFAIL or TMSUSPEND, not 0x"
                    + Integer.toHexString(flags));
        }
        XaBranchId branch = branch(xid);
        call(() -> {
            // Asynchronous sends of the branch are part of it: the broker has them before XA_END.
            session.awaitCompletions();
            session.dispatcher().runExclusive(() -> session.deliveries().xaEnd(branch, flags));
        });
    }

    @Override
    public int prepare(Xid xid) throws XAException {
        XaBranchId branch = branch(xid);
        boolean[] readOnly = new boolean[1];
        call(() -> readOnly[0] = provider().xaPrepare(branch));
        return readOnly[0] ? XA_RDONLY : XA_OK;
    }

    @Override
    public void commit(Xid xid, boolean onePhase) throws XAException {
        XaBranchId branch = branch(xid);
        call(() -> provider().xaCommit(branch, onePhase));
    }

    @Override
    public void rollback(Xid xid) throws XAException {
        XaBranchId branch = branch(xid);
        call(() -> provider().xaRollback(branch));
    }

    @Override
    public void forget(Xid xid) throws XAException {
        XaBranchId branch = branch(xid);
        call(() -> provider().xaForget(branch));
    }

    /** The whole list at TMSTARTRSCAN (the broker's list is short); nothing more in the same scan. */
    @Override
    public Xid[] recover(int flag) throws XAException {
        if ((flag & ~(TMSTARTRSCAN | TMENDRSCAN)) != 0) {
            throw error(XAException.XAER_INVAL, "recover flags must be TMSTARTRSCAN, TMENDRSCAN or TMNOFLAGS");
        }
        if ((flag & TMSTARTRSCAN) == 0) {
            return new Xid[0];
        }
        @SuppressWarnings("unchecked")
        List<XaBranchId>[] prepared = new List[1];
        call(() -> prepared[0] = provider().xaRecover());
        return prepared[0].toArray(new Xid[0]);
    }

    @Override
    public boolean isSameRM(XAResource other) throws XAException {
        if (!(other instanceof KeelXAResource that)) {
            return false;
        }
        String mine = resourceManagerId();
        return mine != null && mine.equals(that.resourceManagerId());
    }

    private String resourceManagerId() {
        var info = provider().connectionInfo();
        return info == null ? null : info.resourceManagerId();
    }

    @Override
    public int getTransactionTimeout() {
        return timeoutSeconds;
    }

    /** Applies to branches started from now on; 0 means the broker rolls back no branch by age. */
    @Override
    public boolean setTransactionTimeout(int seconds) throws XAException {
        if (seconds < 0) {
            throw error(XAException.XAER_INVAL, "a transaction timeout is 0 or more seconds, not " + seconds);
        }
        timeoutSeconds = seconds;
        return true;
    }

    private interface Call {
        void run() throws JMSException;
    }

    private void call(Call call) throws XAException {
        if (provider().isClosed()) {
            throw error(XAException.XAER_RMFAIL, "the connection to the broker is closed or lost");
        }
        try {
            call.run();
        } catch (ConnectionFailedException | RequestTimeoutException e) {
            throw error(XAException.XAER_RMFAIL, e);
        } catch (JMSException e) {
            throw error(codeOf(e.getErrorCode()), e);
        } catch (RuntimeException e) {
            throw error(XAException.XAER_RMERR, e);
        }
    }

    /** The broker's XA error codes by name (protocol/README.md, "XA branches"). */
    static int codeOf(String brokerCode) {
        return switch (Objects.requireNonNullElse(brokerCode, "")) {
            case "XA_NOTA" -> XAException.XAER_NOTA;
            case "XA_PROTO" -> XAException.XAER_PROTO;
            case "XA_DUPID" -> XAException.XAER_DUPID;
            case "XA_RBROLLBACK", "TRANSACTION_ROLLED_BACK" -> XAException.XA_RBROLLBACK;
            case "XA_RBTIMEOUT" -> XAException.XA_RBTIMEOUT;
            case "XA_HEURCOM" -> XAException.XA_HEURCOM;
            case "XA_HEURRB" -> XAException.XA_HEURRB;
            case "MALFORMED_FRAME" -> XAException.XAER_INVAL;
            case "NOT_FOUND", "ILLEGAL_STATE" -> XAException.XAER_PROTO;
            default -> XAException.XAER_RMERR;
        };
    }

    private static XaBranchId branch(Xid xid) throws XAException {
        if (xid == null) {
            throw error(XAException.XAER_INVAL, "the Xid is null");
        }
        return XaBranchId.of(xid);
    }

    private static XAException error(int code, String message) {
        XAException e = new XAException(message);
        e.errorCode = code;
        return e;
    }

    private static XAException error(int code, Exception cause) {
        XAException e = error(code, cause.getMessage());
        e.initCause(cause);
        return e;
    }
}
