package io.keelmq.jms;

import jakarta.jms.JMSException;
import jakarta.jms.QueueSession;
import jakarta.jms.Session;
import jakarta.jms.TopicSession;
import jakarta.jms.TransactionInProgressException;
import jakarta.jms.XAQueueSession;
import jakarta.jms.XASession;
import jakarta.jms.XATopicSession;

import javax.transaction.xa.XAResource;

/**
 * An XASession (spec 11): a transacted session on the broker whose work between XAResource.start and end belongs to
 * an XA branch that the transaction manager decides, through {@link #getXAResource()}. commit and rollback on the
 * session itself are refused, as the XASession contract says.
 */
public final class KeelXASession extends KeelSession implements XASession, XAQueueSession, XATopicSession {
    private final KeelXAResource resource;

    KeelXASession(KeelConnection connection, long sessionId) {
        super(connection, sessionId, Session.SESSION_TRANSACTED);
        this.resource = new KeelXAResource(this);
    }

    @Override
    public Session getSession() throws JMSException {
        checkOpen();
        return this;
    }

    @Override
    public QueueSession getQueueSession() throws JMSException {
        checkOpen();
        return this;
    }

    @Override
    public TopicSession getTopicSession() throws JMSException {
        checkOpen();
        return this;
    }

    @Override
    public XAResource getXAResource() {
        return resource;
    }

    /** Always true: its work is transacted, by the transaction manager. */
    @Override
    public boolean getTransacted() throws JMSException {
        checkOpen();
        return true;
    }

    @Override
    public void commit() throws JMSException {
        checkOpen();
        throw new TransactionInProgressException("commit() is not valid on an XASession: its transaction manager "
                + "commits it through the XAResource");
    }

    @Override
    public void rollback() throws JMSException {
        checkOpen();
        throw new TransactionInProgressException("rollback() is not valid on an XASession: its transaction manager "
                + "rolls it back through the XAResource");
    }

    private void checkOpen() throws JMSException {
        checkClosed();
    }
}
