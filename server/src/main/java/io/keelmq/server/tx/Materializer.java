package io.keelmq.server.tx;

import io.keelmq.server.delay.TimerForm;
import io.keelmq.server.destination.DestinationRegistry;
import io.keelmq.store.AppendResult;
import io.keelmq.store.MessageRecord;
import io.keelmq.store.MessageStore;
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
 * destination (same message id, the partition chosen when it was sent). All appends are issued
 * at once, in send order, so they share the group commit; the result completes when all are
 * stored and dispatched, so a consumer that asks after COMMIT's answer sees them.
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
     * @param decisionOffset where the COMMIT record is: a copy stored after it is this commit's own
     * @param skipStored     at recovery: leave out messages already stored in their destination after
     *                       the decision (found by message id), so a second run stores nothing twice
     */
    CompletableFuture<Void> materialize(List<Long> halves, long decisionOffset, boolean skipStored) {
        List<CompletableFuture<AppendResult>> appends = new ArrayList<>(halves.size());
        try {
            for (long offset : halves) {
                MessageRecord real = realMessage(offset);
                if (real == null || skipStored && alreadyStored(real, decisionOffset)) {
                    continue;
                }
                appends.add(store.appendAsync(real));
            }
        } catch (IOException | RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
        return CompletableFuture.allOf(appends.toArray(CompletableFuture[]::new)).thenCompose(all -> {
            long end = 0;
            for (CompletableFuture<AppendResult> append : appends) {
                AppendResult result = append.join();
                if (result.records().isEmpty()) {
                    throw new IllegalStateException("a committed message could not be stored: " + result.status()
                            + " " + result.error());
                }
                AppendResult.AppendedRecord record = result.records().get(0);
                end = Math.max(end, record.physicalOffset() + record.size());
            }
            return whenDispatched.apply(end);
        });
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
