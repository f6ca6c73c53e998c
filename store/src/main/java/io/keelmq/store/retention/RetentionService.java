package io.keelmq.store.retention;

import io.keelmq.store.StoreConfig;
import io.keelmq.store.index.MessageIndex;
import io.keelmq.store.log.CommitLog;
import io.keelmq.store.position.PartitionPosition;
import io.keelmq.store.position.SubscriptionPositions;
import io.keelmq.store.queue.ConsumeQueue;
import io.keelmq.store.queue.ConsumeQueueEntry;
import io.keelmq.store.queue.ConsumeQueueTable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.time.Clock;
import java.time.ZonedDateTime;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.LongSupplier;

/**
 * Deletes old commit-log segments, and watches the disk.
 *
 * <p>A segment is deleted only when it is older than {@code fileReservedTime} AND lies
 * wholly below every subscription's position, every registered floor (pending
 * transactions) and the dispatcher. Deletion runs at the {@code deleteWhen} hour, or at
 * once when disk usage is above {@code diskMaxUsedSpaceRatio}; disk pressure never
 * relaxes the two conditions, so stored data that is still needed is never dropped to
 * make room. Above {@code diskSpaceWarningLevelRatio} the store refuses appends instead ({@link DiskSpaceGuard}).
 */
public final class RetentionService {
    private static final Logger LOG = LoggerFactory.getLogger(RetentionService.class);
    private static final long HOUR_MILLIS = 3_600_000L;

    private final StoreConfig config;
    private final CommitLog commitLog;
    private final ConsumeQueueTable queues;
    private final MessageIndex index;
    private final SubscriptionPositions positions;
    private final LongSupplier dispatchedOffset;
    private final DiskSpaceGuard disk;
    private final Clock clock;
    private final List<RetentionFloor> floors = new CopyOnWriteArrayList<>();
    /** What was last logged, so that a lasting state is logged once (runs are serialised by the store's scheduler). */
    private boolean pressureLogged;
    private String keptLogged;

    public RetentionService(StoreConfig config, CommitLog commitLog, ConsumeQueueTable queues, MessageIndex index,
                            SubscriptionPositions positions, LongSupplier dispatchedOffset, DiskSpaceGuard disk,
                            Clock clock) {
        this.config = config;
        this.commitLog = commitLog;
        this.queues = queues;
        this.index = index;
        this.positions = positions;
        this.dispatchedOffset = dispatchedOffset;
        this.disk = disk;
        this.clock = clock;
    }

    public void addFloor(RetentionFloor floor) {
        floors.add(floor);
    }

    /** What a retention run did. */
    public record Outcome(int segmentsDeleted, long commitLogMinOffset, long floor, String keptBecause) {
    }

    private static long percent(double ratio) {
        return Math.round(ratio * 100);
    }

    /**
     * The periodic run: deletes what retention allows if it is the {@code deleteWhen}
     * hour, the disk is above {@code diskMaxUsedSpaceRatio}, or {@code now} is true.
     */
    public Outcome run(boolean now) throws IOException {
        double used = disk.check();
        boolean pressure = used > config.diskMaxUsedSpaceRatio();
        boolean hour = ZonedDateTime.now(clock).getHour() == config.deleteWhen();
        if (!now && !pressure && !hour) {
            pressureLogged = false;
            keptLogged = null;
            return new Outcome(0, commitLog.minOffset(), -1, "not the deleteWhen hour and no disk pressure");
        }
        if (pressure && !pressureLogged) {
            // Once per episode: a disk that stays full for hours would otherwise log this every run.
            LOG.warn("disk usage {}% is above diskMaxUsedSpaceRatio {}%: deleting what retention allows",
                    percent(used), percent(config.diskMaxUsedSpaceRatio()));
        }
        long floor = floor();
        long reservedMillis = config.fileReservedTime() * HOUR_MILLIS;
        long nowMillis = clock.millis();
        int deleted = 0;
        String kept = null;
        for (CommitLog.SegmentInfo segment : commitLog.sealedSegments()) {
            if (nowMillis - segment.lastModifiedMillis() < reservedMillis) {
                kept = "segment " + segment.baseOffset() + " is younger than fileReservedTime " + config.fileReservedTime() + "h";
                break;
            }
            if (segment.endOffset() > floor) {
                kept = "segment " + segment.baseOffset() + " holds offset " + floor + " still needed";
                break;
            }
            commitLog.deleteOldest(segment.baseOffset());
            deleted++;
        }
        if (deleted > 0) {
            queues.deleteBelow(commitLog.minOffset());
            if (index != null) {
                index.deleteBelow(commitLog.minOffset());
            }
        }
        if (kept == null && deleted == 0) {
            kept = "no segment is sealed yet (the active one is never deleted)";
        }
        if (pressure && deleted == 0 && !kept.equals(keptLogged)) {
            LOG.warn("disk usage is high but nothing can be deleted: {}", kept);
            keptLogged = kept;
        } else if (deleted > 0) {
            keptLogged = null;
        }
        pressureLogged = pressure;
        return new Outcome(deleted, commitLog.minOffset(), floor, kept);
    }

    /** The lowest commit-log offset that anything still needs. */
    public long floor() throws IOException {
        long floor = dispatchedOffset.getAsLong();
        for (RetentionFloor external : floors) {
            floor = Math.min(floor, external.minRequiredPhysicalOffset());
        }
        for (SubscriptionPositions.Subscription subscription : positions.all()) {
            for (ConsumeQueue queue : queues.all()) {
                if (!queue.destination().equals(subscription.destination())) {
                    continue;
                }
                PartitionPosition position = subscription.partitions().get(queue.partition());
                // A partition the subscription has not started on still needs all of it.
                long needed = position == null ? queue.minOffset() : Math.max(position.lowWatermark(), queue.minOffset());
                ConsumeQueueEntry entry = queue.get(needed);
                if (entry != null) {
                    floor = Math.min(floor, entry.physicalOffset());
                }
            }
        }
        return floor;
    }
}
