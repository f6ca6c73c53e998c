package io.keelmq.jms;

import io.keelmq.jms.message.WireConverter;
import io.keelmq.jms.provider.Provider;
import io.keelmq.jms.provider.TransactionCheck;
import io.keelmq.protocol.message.WireMessageCodec;
import jakarta.jms.Message;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;

/**
 * The check-back side of a connection's transactional producers: the {@link TransactionChecker} of each producer
 * group the connection registered, and the thread that runs them. A check arrives on the transport thread, which
 * must not wait for a database, so it is handed to this thread; the answer goes back as END_TRANSACTION
 * ({@code fromCheck=true}). UNKNOWN sends nothing: the broker asks again at its next scan.
 */
final class TransactionCheckers {
    private static final System.Logger LOG = System.getLogger(TransactionCheckers.class.getName());

    private final Provider provider;
    private final Map<String, TransactionChecker> checkers = new ConcurrentHashMap<>();
    private volatile ExecutorService executor;
    private volatile boolean shut;

    TransactionCheckers(Provider provider) {
        this.provider = provider;
    }

    /** The connection answers {@code group}'s check-backs with {@code checker} (a later one replaces it). */
    void register(String group, TransactionChecker checker) {
        checkers.put(group, checker);
    }

    /** Transport thread: hands the check to the checkers' thread. */
    void onCheck(TransactionCheck check) {
        TransactionChecker checker = checkers.get(check.producerGroup());
        if (checker == null) {
            return;   // a group this connection no longer answers for: another member is asked next time
        }
        try {
            executor().execute(() -> answer(check, checker));
        } catch (RejectedExecutionException e) {
            // the connection is closing
        }
    }

    private void answer(TransactionCheck check, TransactionChecker checker) {
        LocalTransactionState state;
        try {
            Message message = WireConverter.fromWire(WireMessageCodec.decode(check.message()), 1);
            state = checker.checkLocalTransaction(message);
        } catch (Exception e) {
            LOG.log(System.Logger.Level.WARNING, "the TransactionChecker of producer group " + check.producerGroup()
                    + " failed on " + check.transactionId() + "; answered UNKNOWN", e);
            state = LocalTransactionState.UNKNOWN;
        }
        if (state == null || state == LocalTransactionState.UNKNOWN || provider.isClosed()) {
            return;
        }
        try {
            provider.endTransaction(check.transactionId(), state.name(), true);
        } catch (Exception e) {
            LOG.log(System.Logger.Level.WARNING, "the check-back answer " + state + " for " + check.transactionId()
                    + " did not reach the broker (" + e.getMessage() + "); it will ask again");
        }
    }

    private ExecutorService executor() {
        ExecutorService current = executor;
        if (current == null) {
            synchronized (this) {
                if (shut) {
                    throw new RejectedExecutionException("the connection is closed");
                }
                if (executor == null) {
                    executor = Executors.newSingleThreadExecutor(r -> {
                        Thread t = new Thread(r, "keel-transaction-checks");
                        t.setDaemon(true);
                        return t;
                    });
                }
                current = executor;
            }
        }
        return current;
    }

    /** The connection closed: no more checks are answered. */
    synchronized void shutdown() {
        shut = true;
        if (executor != null) {
            executor.shutdownNow();
        }
    }
}
