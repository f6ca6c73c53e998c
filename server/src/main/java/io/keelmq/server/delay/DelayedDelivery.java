package io.keelmq.server.delay;

import io.keelmq.store.AppendStatus;
import io.keelmq.store.MessageStore;
import io.keelmq.store.StoredMessage;
import io.keelmq.store.timer.DueRecordHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.time.Clock;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;

/**
 * What the store's timer does with a due delayed message: write it to its real destination, where
 * consumers see it like any message (expired ones are then dropped at delivery as usual). When the
 * timer says a crash or stop may have let it through already, the index is asked first: a message
 * with this id already in that destination is not written twice.
 */
public final class DelayedDelivery implements DueRecordHandler {
    private static final Logger LOG = LoggerFactory.getLogger(DelayedDelivery.class);

    private final MessageStore store;
    private final Clock clock;
    private final boolean indexEnabled;

    public DelayedDelivery(MessageStore store, Clock clock, boolean indexEnabled) {
        this.store = store;
        this.clock = clock;
        this.indexEnabled = indexEnabled;
    }

    @Override
    public CompletableFuture<?> deliver(long commitLogOffset, int size, boolean maybeDelivered) {
        TimerForm.Due due;
        try {
            StoredMessage waiting = store.read(commitLogOffset);
            if (waiting == null) {
                LOG.error("delayed message at commit-log offset {} is no longer stored; it cannot be delivered",
                        commitLogOffset);
                return CompletableFuture.completedFuture(null);
            }
            due = TimerForm.unpark(waiting, clock.millis());
            if (maybeDelivered && alreadyDelivered(waiting.messageId(), due)) {
                return CompletableFuture.completedFuture(null);
            }
        } catch (IOException e) {
            return CompletableFuture.failedFuture(e);
        } catch (RuntimeException e) {
            // A record nobody can turn into a message would stop the timer for good: report and skip it.
            LOG.error("delayed message at commit-log offset {} is unreadable and is dropped", commitLogOffset, e);
            return CompletableFuture.completedFuture(null);
        }
        return store.appendReservedAsync(due.record()).thenAccept(result -> {
            if (result.status() != AppendStatus.PUT_OK) {
                throw new IllegalStateException("writing the due message " + due.record().messageId() + " to "
                        + due.destination() + " failed: " + result.status() + " " + result.error());
            }
        });
    }

    /**
     * Same id, destination and properties: a redelivery's retry copy has the id of the message it copies, which is
     * in that destination already, but its own properties (the delivery count it carries), so it is not mistaken for
     * it.
     */
    private boolean alreadyDelivered(String messageId, TimerForm.Due due) throws IOException {
        if (!indexEnabled || messageId.isEmpty()) {
            return false; // nothing to look it up by: deliver again rather than risk losing it
        }
        for (StoredMessage found : store.queryByMessageId(messageId, 0, Long.MAX_VALUE)) {
            if (found.destination().equals(due.destination())
                    && Arrays.equals(found.properties(), due.record().properties())) {
                return true;
            }
        }
        return false;
    }
}
