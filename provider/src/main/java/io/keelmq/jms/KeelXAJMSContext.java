package io.keelmq.jms;

import jakarta.jms.JMSContext;
import jakarta.jms.TransactionInProgressRuntimeException;
import jakarta.jms.XAJMSContext;

import javax.transaction.xa.XAResource;

/**
 * An XAJMSContext (spec 11): a JMSContext whose session is an {@link KeelXASession}; its work joins the global
 * transaction its XAResource is enlisted in, so commit and rollback on the context are refused.
 */
final class KeelXAJMSContext extends KeelJMSContext implements XAJMSContext {

    KeelXAJMSContext(SharedConnection shared) {
        super(shared, JMSContext.SESSION_TRANSACTED);
    }

    @Override
    protected KeelSession openSession() {
        return JmsExceptionSupport.unchecked(() -> connection().openXASession());
    }

    @Override
    public JMSContext getContext() {
        return this;
    }

    @Override
    public XAResource getXAResource() {
        return ((KeelXASession) session()).getXAResource();
    }

    @Override
    public boolean getTransacted() {
        session();
        return true;
    }

    @Override
    public void commit() {
        session();
        throw new TransactionInProgressRuntimeException("commit() is not valid on an XAJMSContext: its transaction "
                + "manager commits it through the XAResource");
    }

    @Override
    public void rollback() {
        session();
        throw new TransactionInProgressRuntimeException("rollback() is not valid on an XAJMSContext: its transaction "
                + "manager rolls it back through the XAResource");
    }
}
