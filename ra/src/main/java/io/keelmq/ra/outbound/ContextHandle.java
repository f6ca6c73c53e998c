package io.keelmq.ra.outbound;

import io.keelmq.jms.KeelJMSContext;
import io.keelmq.jms.KeelSession;
import jakarta.jms.ExceptionListener;
import jakarta.jms.IllegalStateRuntimeException;
import jakarta.jms.JMSContext;
import jakarta.jms.JMSException;
import jakarta.jms.JMSRuntimeException;

/**
 * The JMSContext an application gets from an outbound connection factory (also through {@code @Inject JMSContext},
 * which servers build with createContext): the simplified API of keel-jms over the session a {@link ConnectionHandle}
 * chose (spec 12.3), so inside a JTA transaction its sends and receives belong to the transaction whatever session
 * mode was asked. close() closes the handle, which returns the pooled connection; the methods spec 12.2 reserves for
 * the container are refused.
 */
final class ContextHandle extends KeelJMSContext {
    private final ConnectionHandle connection;
    private final SessionHandle session;

    private ContextHandle(ConnectionHandle connection, SessionHandle session, int effectiveMode) {
        super(connection.managed().physical(), effectiveMode);
        this.connection = connection;
        this.session = session;
    }

    static ContextHandle open(ConnectionHandle connection, int requestedMode) throws JMSException {
        SessionHandle session = connection.openSession(requestedMode);
        return new ContextHandle(connection, session, session.session().getTransacted()
                ? JMSContext.SESSION_TRANSACTED : session.session().getAcknowledgeMode());
    }

    @Override
    protected KeelSession openSession() {
        return session.session();
    }

    /** Closing the connection handle closes the session handle and gives the managed connection back. */
    @Override
    protected void release(KeelSession own) {
        try {
            connection.close();
        } catch (JMSException e) {
            throw new JMSRuntimeException(e.getMessage(), e.getErrorCode(), e);
        }
    }

    @Override
    public JMSContext createContext(int sessionMode) {
        checkClosed();
        throw new JMSRuntimeException("JMSContext.createContext would open a second session on the same connection, "
                + "which an application in a Jakarta EE web or enterprise bean container must not do (spec 12.2)");
    }

    @Override
    public void setClientID(String clientID) {
        checkClosed();
        throw reserved("setClientID", "; configure clientID on the connection factory (spec 6.1.2)");
    }

    @Override
    public ExceptionListener getExceptionListener() {
        checkClosed();
        return null;
    }

    @Override
    public void setExceptionListener(ExceptionListener listener) {
        checkClosed();
        throw reserved("setExceptionListener", "");
    }

    @Override
    public void stop() {
        checkClosed();
        throw reserved("stop", "");
    }

    private static IllegalStateRuntimeException reserved(String method, String advice) {
        return new IllegalStateRuntimeException("JMSContext." + method + "() must not be used by an application in "
                + "a Jakarta EE web or enterprise bean container (spec 12.2)" + advice);
    }
}
