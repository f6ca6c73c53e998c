package io.keelmq.server.ha;

import io.keelmq.server.consume.DeliveryMarks;
import io.keelmq.server.destination.Destination;
import io.keelmq.server.destination.DestinationRegistry;
import io.keelmq.store.MessageStore;
import io.keelmq.store.io.ChannelFileLayer;
import io.keelmq.store.io.FileLayer;
import io.keelmq.store.timer.MessageTimer;
import io.keelmq.store.position.SubscriptionPositions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A slave's data directory started as a master (the operator's failover with fixed roles, or a controller's
 * election): what the copied state cannot say is settled before any subscription opens.
 *
 * <p>A slave marks its data directory ({@code config/replica-of}) when it starts following a master. When the
 * directory next starts in a master role, {@link #prepare} runs once, before the subscriptions are loaded:
 * <ul>
 *   <li>Delivery marks: the master's marks are not copied (they move with every delivery chunk, and a copy would
 *       lag anyway); instead every persisted subscription's mark rises to the end of its consume queue. Each message
 *       in the copy that is not acknowledged in the copied positions may have been delivered by the old master, so
 *       the new master delivers it with JMSRedelivered=true and JMSXDeliveryCount 2, never as new. Messages stored
 *       after the promotion are new.</li>
 *   <li>Positions beyond a consume queue's end (acknowledgements of messages an ASYNC_MASTER stored but this copy
 *       never received) move back to the end, so that messages the new master stores there are not skipped.</li>
 *   <li>The delay timer: its files describe the slave's idle run, so it is rebuilt from the copied delayed records
 *       ({@link MessageTimer#rebuildOnNextOpen}); a record already due is looked up in the index, and one the old
 *       master delivered (its copy is in the log) is not delivered twice.</li>
 * </ul>
 */
public final class PromotedReplica {
    private static final Logger LOG = LoggerFactory.getLogger(PromotedReplica.class);
    static final String MARKER = "replica-of";

    private PromotedReplica() {
    }

    /** A slave: marks its data directory as a copy of {@code masterAddress} (durably, once per start). */
    static void markReplica(MessageStore store, String masterAddress) throws IOException {
        Path marker = store.config().configDir().resolve(MARKER);
        Files.createDirectories(marker.getParent());
        ChannelFileLayer.INSTANCE.writeAtomically(marker, ("a copy of the master at " + masterAddress + "\n")
                .getBytes(StandardCharsets.UTF_8));
    }

    /** Whether this data directory holds a slave's copy not yet started as a master. */
    public static boolean isReplica(MessageStore store) {
        return Files.exists(store.config().configDir().resolve(MARKER));
    }

    /**
     * Starting as a master: if the data directory is a slave's copy, raises the delivery marks and clamps the
     * positions (see the class comment), writes both, and removes the mark. Call before the subscriptions load.
     *
     * @return whether the directory was a slave's copy
     */
    public static boolean prepare(MessageStore store, FileLayer layer, DestinationRegistry destinations)
            throws IOException {
        Path configDir = store.config().configDir();
        Path marker = configDir.resolve(MARKER);
        if (!Files.exists(marker)) {
            return false;
        }
        SubscriptionPositions positions = store.positions();
        int clamped = positions.clampTo(store::maxQueueOffset);
        DeliveryMarks marks = new DeliveryMarks(configDir);
        marks.load();
        int raised = 0;
        for (SubscriptionPositions.Subscription subscription : positions.all()) {
            for (Integer partition : subscription.partitions().keySet()) {
                raised += raise(marks, subscription.name(), partition,
                        store.maxQueueOffset(subscription.destination(), partition));
            }
        }
        // A queue the copy knows only from its records (created just before the failover) has no position yet:
        // its subscription, keyed by the queue's store name, opens at the queue's start.
        for (Destination destination : destinations.all()) {
            if (destination.isQueue() && !destination.isTemporary() && positions.find(destination.storeName()) == null) {
                for (int p = 0; p < destination.partitions(); p++) {
                    raised += raise(marks, destination.storeName(), p,
                            store.maxQueueOffset(destination.storeName(), p));
                }
            }
        }
        marks.persist();
        positions.persist();
        MessageTimer.rebuildOnNextOpen(store, layer, System.currentTimeMillis());
        Files.delete(marker);
        LOG.info("promoted a slave's copy: {} subscription partitions deliver their unacknowledged messages with "
                + "JMSRedelivered=true, {} positions moved back to their queue's end", raised, clamped);
        return true;
    }

    private static int raise(DeliveryMarks marks, String subscription, int partition, long queueEnd) {
        if (marks.mark(subscription, partition) >= queueEnd) {
            return 0;
        }
        marks.set(subscription, partition, queueEnd);
        return 1;
    }
}
