package io.keelmq.jms;

import io.keelmq.jms.message.WireConverter;
import io.keelmq.jms.provider.BrowsePage;
import io.keelmq.jms.provider.BrowseRequest;
import io.keelmq.jms.provider.Delivery;
import jakarta.jms.IllegalStateException;
import jakarta.jms.JMSException;
import jakarta.jms.JMSRuntimeException;
import jakarta.jms.Message;
import jakarta.jms.Queue;
import jakarta.jms.QueueBrowser;

import java.util.ArrayDeque;
import java.util.Enumeration;
import java.util.NoSuchElementException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Looks at a queue without consuming: each enumeration walks the queue page by page with BROWSE, from partition 0
 * offset 0 until the broker reports the end. Not a snapshot (spec 4.1.6): messages arriving meanwhile may show up.
 */
public class KeelQueueBrowser implements QueueBrowser {
    /** Messages per BROWSE. */
    static final int PAGE_SIZE = 100;

    private final KeelSession session;
    private final KeelDestination queue;
    private final String selector;
    private final AtomicBoolean closed = new AtomicBoolean();

    KeelQueueBrowser(KeelSession session, KeelDestination queue, String selector) {
        this.session = session;
        this.queue = queue;
        this.selector = selector;
    }

    @Override
    public Queue getQueue() throws JMSException {
        checkClosed();
        return (Queue) queue;
    }

    @Override
    public String getMessageSelector() throws JMSException {
        checkClosed();
        return selector;
    }

    /**
     * Fetches the first page at once, so a refused selector or a deleted temporary queue is reported here. A queue
     * nothing was sent to yet is simply empty.
     */
    @Override
    public Enumeration<Message> getEnumeration() throws JMSException {
        checkClosed();
        Pages pages = new Pages();
        pages.fetch();
        return pages;
    }

    @Override
    public void close() {
        closed.set(true);
    }

    private void checkClosed() throws JMSException {
        if (closed.get()) {
            throw new IllegalStateException("the queue browser is closed");
        }
        session.checkClosed();
    }

    /** One walk over the queue. */
    private final class Pages implements Enumeration<Message> {
        private final ArrayDeque<Delivery> page = new ArrayDeque<>();
        private int nextPartition;
        private long nextOffset;
        private boolean end;

        void fetch() throws JMSException {
            BrowsePage answer = session.connection().provider().browse(new BrowseRequest(queue.toRef(), selector,
                    nextPartition, nextOffset, PAGE_SIZE));
            page.addAll(answer.deliveries());
            nextPartition = answer.nextPartition();
            nextOffset = answer.nextOffset();
            end = answer.isEnd();
        }

        @Override
        public boolean hasMoreElements() {
            // An empty page before the end is possible (a page of messages the selector rejected): keep going.
            while (page.isEmpty() && !end && !closed.get() && !session.isClosed()) {
                try {
                    fetch();
                } catch (JMSException e) {
                    throw new JMSRuntimeException("browsing " + queue + " failed: " + e.getMessage(),
                            e.getErrorCode(), e);
                }
            }
            return !page.isEmpty();
        }

        @Override
        public Message nextElement() {
            if (!hasMoreElements()) {
                throw new NoSuchElementException("the browse of " + queue + " has no more messages");
            }
            Delivery d = page.pollFirst();
            try {
                return WireConverter.fromWire(d.message(), d.deliveryCount());
            } catch (JMSException e) {
                throw new JMSRuntimeException("message " + d.message().getMessageId() + " on " + queue
                        + " cannot be read: " + e.getMessage(), e.getErrorCode(), e);
            }
        }
    }
}
