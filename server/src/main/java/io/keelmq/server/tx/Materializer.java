package io.keelmq.server.tx;

import io.keelmq.server.delay.TimerForm;
import io.keelmq.server.destination.DestinationRegistry;
import io.keelmq.store.AppendResult;
import io.keelmq.store.MessageRecord;
import io.keelmq.store.MessageStore;
import io.keelmq.store.RecordLimits;
import io.keelmq.store.StoredMessage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.LongFunction;

/**
 * Carries out a commit decision: reads each half record and appends the real message to its
 * destination (same message id, the partition chosen when it was sent), in send order, as one
 * batch append that does not wait for a force: the caller waits once for a force covering the
 * COMMIT record and the messages together, then until they are dispatched, so a consumer that
 * asks after COMMIT's answer sees them.
 */
public final class Materializer {
    private static final Logger LOG = LoggerFactory.getLogger(Materializer.class);

    private final MessageStore store;
    private final DestinationRegistry destinations;
    private final LongFunction<CompletableFuture<Void>> whenDispatched;

    /** @param whenDispatched completes once the commit log up to the given offset is in the consume queues */
    public Materializer(MessageStore store, DestinationRegistry destinations,
                        LongFunction<CompletableFuture<Void>> whenDispatched) {
        this.store = store;
        this.destinations = destinations;
        this.whenDispatched = whenDispatched;
    }

    /**
     * Stores the messages and completes when they are durable and dispatched (visible). Used at start-up,
     * where the COMMIT record is durable already.
     *
     * @param decisionOffset where the COMMIT record is: a copy stored after it is this commit's own
     * @param skipStored     at recovery: leave out messages already stored in their destination after
     *                       the decision (found by message id), so a second run stores nothing twice
     */
    CompletableFuture<Void> materialize(List<Long> halves, long decisionOffset, boolean skipStored) {
        return write(halves, decisionOffset, skipStored).thenCompose(written -> {
            if (written.isEmpty()) {
                return CompletableFuture.completedFuture(null);
            }
            AppendResult last = written.get(written.size() - 1);
            return store.awaitDurable(last).thenCompose(durable -> {
                if (!durable.ok()) {
                    throw new IllegalStateException("committed messages were written but not made durable: "
                            + durable.status() + " " + durable.error());
                }
                return whenDispatched(written);
            });
        });
    }

    /**
     * Writes the real messages to their destinations, in send order, without waiting for a force: one
     * batch append (several when they would not fit in one segment), so the whole transaction costs one
     * write call and shares the force that follows. Fails if any of them could not be written; the
     * batches before the failed one may be written (a later start skips them by message id).
     *
     * @return the appends, each PUT_OK with its records, in log order; empty when there is nothing to store
     */
    CompletableFuture<List<AppendResult>> write(List<Long> halves, long decisionOffset, boolean skipStored) {
        List<AppendResult> written = new ArrayList<>();
        try {
            List<MessageRecord> batch = new ArrayList<>();
            long batchBytes = 0;
            for (long offset : halves) {
                MessageRecord real = realMessage(offset);
                if (real == null || skipStored && alreadyStored(real, decisionOffset)) {
                    continue;
                }
                long size = approximateSize(real);
                if (!batch.isEmpty() && batchBytes + size > maxBatchBytes()) {
                    written.add(append(batch));
                    batch = new ArrayList<>();
                    batchBytes = 0;
                }
                batch.add(real);
                batchBytes += size;
            }
            if (!batch.isEmpty()) {
                written.add(append(batch));
            }
        } catch (IOException | RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
        return CompletableFuture.completedFuture(written);
    }

    /** Completes once every written message is in its consume queue (needs a force under SYNC_FLUSH). */
    CompletableFuture<Void> whenDispatched(List<AppendResult> written) {
        if (written.isEmpty()) {
            return CompletableFuture.completedFuture(null);
        }
        return whenDispatched.apply(written.get(written.size() - 1).endOffset());
    }

    /** Appends one batch; the write has completed when this returns (it never waits for a force). */
    private AppendResult append(List<MessageRecord> batch) {
        AppendResult result = store.appendBatchReservedWrittenAsync(batch).join();
        if (result.records().isEmpty()) {
            throw new IllegalStateException("a committed message could not be stored: " + result.status() + " "
                    + result.error());
        }
        return result;
    }

    /** Half a segment: a batch must fit in one, and this leaves room without knowing the exact encoding. */
    private long maxBatchBytes() {
        return store.config().mappedFileSizeCommitLog() / 2;
    }

    /** At least the record's encoded size (header, destination, keys, message id, properties, body). */
    private static long approximateSize(MessageRecord real) {
        return RecordLimits.MAX_OVERHEAD + (long) real.properties().length
                + (real.body() == null ? 0 : real.body().length);
    }

    /** The message a half holds, or null when its destination is gone (a temporary one whose connection closed). */
    private MessageRecord realMessage(long halfOffset) throws IOException {
        StoredMessage half = store.read(halfOffset);
        if (half == null) {
            throw new IOException("half record at commit-log offset " + halfOffset + " is missing");
        }
        MessageRecord real = HalfRecords.toReal(half);
        // A delayed message's half holds its timer record: it goes to the timer, which knows no registry.
        boolean delayed = TimerForm.DESTINATION.equals(real.destination());
        if (!delayed && destinations.findByStoreName(real.destination()) == null) {
            LOG.warn("committed message {} is dropped: its destination {} no longer exists", real.messageId(),
                    real.destination());
            return null;
        }
        return real;
    }

    private boolean alreadyStored(MessageRecord real, long decisionOffset) throws IOException {
        if (real.messageId().isEmpty() || !store.config().messageIndexEnable()) {
            return false;
        }
        for (StoredMessage stored : store.queryByMessageId(real.messageId(), 0, Long.MAX_VALUE)) {
            if (stored.destination().equals(real.destination()) && stored.physicalOffset() > decisionOffset) {
                return true;
            }
        }
        return false;
    }
}
