package io.keelmq.jms;

import jakarta.jms.CompletionListener;
import jakarta.jms.Message;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The CompletionListener callbacks of one session's asynchronous sends (spec 7.3). Answers may come back in any
 * order (a retried send finishes late), but callbacks run in the order of the send calls, one at a time, on a thread
 * that is never the sending thread; close waits until every callback has returned.
 */
final class CompletionQueue {
    private static final System.Logger LOG = System.getLogger(CompletionQueue.class.getName());

    /** One asynchronous send; its outcome is set once, its callback runs once. */
    static final class Entry {
        private final Message message;
        private final CompletionListener listener;
        private boolean done;
        private Exception failure;

        private Entry(Message message, CompletionListener listener) {
            this.message = message;
            this.listener = listener;
        }
    }

    private final KeelSession session;
    private final Deque<Entry> entries = new ArrayDeque<>();
    private boolean running;
    private ExecutorService executor;

    CompletionQueue(KeelSession session) {
        this.session = session;
    }

    synchronized Entry add(Message message, CompletionListener listener) {
        Entry entry = new Entry(message, listener);
        entries.addLast(entry);
        return entry;
    }

    /** Records the outcome of a send (null failure = success) and runs whatever callbacks are now in order. */
    synchronized void complete(Entry entry, Exception failure) {
        if (entry.done) {
            return;
        }
        entry.done = true;
        entry.failure = failure;
        if (!running && !entries.isEmpty() && entries.peekFirst().done) {
            running = true;
            executor().execute(this::runReady);
        }
    }

    private void runReady() {
        while (true) {
            Entry entry;
            synchronized (this) {
                entry = entries.peekFirst();
                if (entry == null || !entry.done) {
                    running = false;
                    notifyAll();
                    return;
                }
            }
            DeliveryContext.enterCompletion(session);
            try {
                if (entry.failure == null) {
                    entry.listener.onCompletion(entry.message);
                } else {
                    entry.listener.onException(entry.message, entry.failure);
                }
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "a CompletionListener threw", e);
            } finally {
                DeliveryContext.exitCompletion();
            }
            synchronized (this) {
                entries.pollFirst();
            }
        }
    }

    /** Blocks until every send so far has completed and its callback returned. */
    synchronized void awaitAll() throws InterruptedException {
        while (!entries.isEmpty()) {
            wait();
        }
    }

    private ExecutorService executor() {
        if (executor == null) {
            executor = Executors.newSingleThreadExecutor(r -> {
                Thread t = new Thread(r, "keel-session-" + session.sessionId() + "-completion");
                t.setDaemon(true);
                return t;
            });
        }
        return executor;
    }

    synchronized void shutdown() {
        if (executor != null) {
            executor.shutdown();
        }
    }
}
