package io.keelmq.ra.testing;

import jakarta.jms.Message;
import jakarta.jms.MessageListener;
import jakarta.resource.ResourceException;
import jakarta.resource.spi.UnavailableException;
import jakarta.resource.spi.endpoint.MessageEndpoint;
import jakarta.resource.spi.endpoint.MessageEndpointFactory;
import jakarta.transaction.Status;
import jakarta.transaction.TransactionManager;

import javax.transaction.xa.XAResource;
import java.lang.reflect.Method;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What an EJB container does for a message-driven bean, in small. Container-managed transactions (a transaction
 * manager given): beforeDelivery begins a JTA transaction and enlists the endpoint's XAResource, an exception from
 * the bean marks it rollback-only, afterDelivery commits or rolls back. Without one, the bean is called as is.
 */
public final class TestEndpointFactory implements MessageEndpointFactory {
    private static final AtomicInteger NAMES = new AtomicInteger();

    private final TransactionManager transactions;
    private final MessageListener bean;
    private final String name = "test-endpoint-" + NAMES.incrementAndGet();
    private final AtomicInteger created = new AtomicInteger();
    private final AtomicInteger released = new AtomicInteger();
    private final AtomicInteger committed = new AtomicInteger();

    /** @param transactions null: bean-managed, non-transacted delivery */
    public TestEndpointFactory(TransactionManager transactions, MessageListener bean) {
        this.transactions = transactions;
        this.bean = bean;
    }

    @Override
    public MessageEndpoint createEndpoint(XAResource xaResource) throws UnavailableException {
        if (transactions != null && xaResource == null) {
            throw new IllegalStateException("a transacted endpoint needs the session's XAResource");
        }
        created.incrementAndGet();
        return new Endpoint(xaResource);
    }

    @Override
    public MessageEndpoint createEndpoint(XAResource xaResource, long timeout) throws UnavailableException {
        return createEndpoint(xaResource);
    }

    @Override
    public boolean isDeliveryTransacted(Method method) {
        return transactions != null;
    }

    @Override
    public String getActivationName() {
        return name;
    }

    @Override
    public Class<?> getEndpointClass() {
        return bean.getClass();
    }

    public int created() {
        return created.get();
    }

    public int released() {
        return released.get();
    }

    /** Deliveries whose transaction committed. */
    public int committed() {
        return committed.get();
    }

    /** Waits (bounded) until {@code count} deliveries committed. */
    public void awaitCommitted(int count, long timeoutMillis) throws InterruptedException {
        long deadline = System.currentTimeMillis() + timeoutMillis;
        while (committed.get() < count) {
            if (System.currentTimeMillis() > deadline) {
                throw new AssertionError("only " + committed.get() + " of " + count + " deliveries committed within "
                        + timeoutMillis + " ms");
            }
            Thread.sleep(10);
        }
    }

    private final class Endpoint implements MessageEndpoint, MessageListener {
        private final XAResource xaResource;

        Endpoint(XAResource xaResource) {
            this.xaResource = xaResource;
        }

        @Override
        public void beforeDelivery(Method method) throws ResourceException {
            if (transactions == null) {
                return;
            }
            try {
                transactions.begin();
                transactions.getTransaction().enlistResource(xaResource);
            } catch (Exception e) {
                throw new ResourceException("could not begin the delivery's transaction: " + e, e);
            }
        }

        @Override
        public void onMessage(Message message) {
            try {
                bean.onMessage(message);
            } catch (RuntimeException e) {
                if (transactions != null) {
                    try {
                        transactions.setRollbackOnly();
                    } catch (Exception ignored) {
                        // no transaction: nothing to mark
                    }
                }
                throw e;
            }
        }

        @Override
        public void afterDelivery() throws ResourceException {
            if (transactions == null) {
                return;
            }
            try {
                if (transactions.getStatus() == Status.STATUS_MARKED_ROLLBACK) {
                    transactions.rollback();
                } else {
                    transactions.commit();
                    committed.incrementAndGet();
                }
            } catch (Exception e) {
                throw new ResourceException("the delivery's transaction did not complete: " + e, e);
            }
        }

        @Override
        public void release() {
            released.incrementAndGet();
        }
    }
}
