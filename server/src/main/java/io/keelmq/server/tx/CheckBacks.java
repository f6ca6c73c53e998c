package io.keelmq.server.tx;

import io.keelmq.protocol.message.WireMessageCodec;
import io.keelmq.server.message.StoredForm;
import io.keelmq.store.MessageRecord;
import io.keelmq.store.MessageStore;
import io.keelmq.store.StoredMessage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.time.Clock;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The broker's check-back (RocketMQ's TransactionalMessageCheckService): every {@code transactionCheckInterval} it
 * looks at the undecided halves of transactional producers; one older than its immunity ({@code transactionTimeOut},
 * or the message's {@code JMS_Keel_CheckImmunitySeconds}) is asked about, with a CHECK_TRANSACTION to one live
 * connection that registered its producer group (any member: a restarted producer answers for its predecessor).
 * The answer comes back as an END_TRANSACTION and decides it. After {@code transactionCheckMax} checks the half is
 * moved to {@link TxDestinations#UNRESOLVED} and no longer asked about: an operator decides it with keel-admin.
 * A half no member can be asked about (none connected, or none allowed to send to its destination) is not counted.
 */
public final class CheckBacks {
    private static final Logger LOG = LoggerFactory.getLogger(CheckBacks.class);

    /** The producer groups' live members, seen from the transaction side. */
    public interface Members {
        /**
         * Sends one check of {@code half} to a live member of its group allowed to send to its destination.
         *
         * @param message the half's message, encoded as a {@code WireMessage}
         * @return false when no member could be asked
         */
        boolean ask(PreparedHalf half, int checkTimes, byte[] message);
    }

    /** @param timeoutMillis {@code transactionTimeOut}; @param checkMax {@code transactionCheckMax} */
    public record Settings(long timeoutMillis, long intervalMillis, int checkMax) {
    }

    private final ProducerTransactions transactions;
    private final MessageStore store;
    private final Members members;
    private final Clock clock;
    private final Settings settings;
    private final AtomicBoolean scanning = new AtomicBoolean();

    public CheckBacks(ProducerTransactions transactions, MessageStore store, Members members, Clock clock,
                      Settings settings) {
        this.transactions = transactions;
        this.store = store;
        this.members = members;
        this.clock = clock;
        this.settings = settings;
    }

    /** Scans every interval on {@code workers}, started from {@code timer} (a scan never overlaps the previous one). */
    public void start(ScheduledExecutorService timer, Executor workers) {
        timer.scheduleWithFixedDelay(() -> {
            if (!scanning.compareAndSet(false, true)) {
                return;
            }
            try {
                workers.execute(() -> {
                    try {
                        scan();
                    } finally {
                        scanning.set(false);
                    }
                });
            } catch (RejectedExecutionException e) {
                scanning.set(false); // the broker is stopping
            }
        }, settings.intervalMillis(), settings.intervalMillis(), TimeUnit.MILLISECONDS);
    }

    /** One pass over the undecided halves. */
    void scan() {
        long now = clock.millis();
        for (ProducerTransactions.Undecided entry : transactions.undecided()) {
            PreparedHalf half = entry.half;
            long immunity = half.immunityMillis() >= 0 ? half.immunityMillis() : settings.timeoutMillis();
            if (half.unresolved() || now - half.preparedAt() < immunity) {
                continue;
            }
            try {
                // Under the entry's lock, which a decision takes to start: a half being decided is neither moved
                // (a PREPARE after its COMMIT would make it undecided again at the next start) nor asked about.
                synchronized (entry) {
                    if (entry.deciding != null) {
                        continue;
                    }
                    if (entry.checks >= settings.checkMax()) {
                        transactions.moveToUnresolved(entry);
                        continue;
                    }
                }
                if (members.ask(half, entry.checks + 1, message(half))) {
                    transactions.checked(entry);
                }
            } catch (IOException | RuntimeException e) {
                LOG.error("check-back of {} failed; the next scan tries again", half.txId(), e);
            }
        }
    }

    private byte[] message(PreparedHalf half) throws IOException {
        StoredMessage stored = store.read(half.halfOffset());
        if (stored == null) {
            throw new IOException("half record at offset " + half.halfOffset() + " is missing");
        }
        MessageRecord real = HalfRecords.toReal(stored);
        return WireMessageCodec.encode(StoredForm.toWire(real.properties(), real.body()));
    }
}
