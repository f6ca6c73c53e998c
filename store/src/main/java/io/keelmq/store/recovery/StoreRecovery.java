package io.keelmq.store.recovery;

import io.keelmq.store.StoreConfig;
import io.keelmq.store.index.MessageIndex;
import io.keelmq.store.io.FileLayer;
import io.keelmq.store.log.CommitLog;
import io.keelmq.store.log.ScanOutcome;
import io.keelmq.store.position.SubscriptionPositions;
import io.keelmq.store.queue.ConsumeQueue;
import io.keelmq.store.queue.ConsumeQueueTable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.time.Clock;

/**
 * Brings the files of a store directory to a consistent state when the store opens:
 * after a clean shutdown by trusting the checkpoint, after a crash by verifying the
 * commit log from the checkpoint and rebuilding consume queues and index from it.
 */
public final class StoreRecovery {
    private static final Logger LOG = LoggerFactory.getLogger(StoreRecovery.class);

    private final StoreConfig config;
    private final FileLayer layer;
    private final Clock clock;
    private final CommitLog commitLog;
    private final ConsumeQueueTable queues;
    private final MessageIndex index;
    private final SubscriptionPositions positions;

    /** @param index null when the message index is disabled */
    public StoreRecovery(StoreConfig config, FileLayer layer, Clock clock, CommitLog commitLog,
                         ConsumeQueueTable queues, MessageIndex index, SubscriptionPositions positions) {
        this.config = config;
        this.layer = layer;
        this.clock = clock;
        this.commitLog = commitLog;
        this.queues = queues;
        this.index = index;
        this.positions = positions;
    }

    public RecoveryReport recover() throws IOException {
        layer.createDirectories(config.storePathRootDir());
        layer.createDirectories(config.configDir());
        Checkpoint checkpoint = Checkpoint.read(layer, config.checkpointFile());
        boolean abortMarker = layer.exists(config.abortFile());
        commitLog.load();
        queues.load();
        positions.load();
        boolean fresh = !abortMarker && checkpoint == null && commitLog.isEmpty();
        boolean clean = fresh || !abortMarker && checkpoint != null && checkpoint.cleanLogEnd() >= 0
                && commitLog.restoreEnd(checkpoint.cleanLogEnd());
        RecoveryReport report;
        if (clean) {
            if (index != null) {
                index.load(true);
            }
            report = new RecoveryReport(true, -1, commitLog.writeOffset(), 0, null, 0);
        } else {
            report = recoverAfterCrash(checkpoint == null ? Checkpoint.EMPTY : checkpoint);
        }
        for (ConsumeQueue queue : queues.all()) {
            commitLog.setNextQueueOffset(queue.destination(), queue.partition(), queue.maxOffset());
        }
        queues.deleteBelow(commitLog.minOffset());
        LOG.info("store {} opened: {}", config.storePathRootDir(), report);
        return report;
    }

    /**
     * Consume-queue entries and index entries written after the checkpoint are suspect:
     * drop them, verify the log from the checkpoint, and dispatch again what follows it.
     */
    private RecoveryReport recoverAfterCrash(Checkpoint checkpoint) throws IOException {
        long dispatched = checkpoint.dispatchedOffset();
        queues.truncateFrom(dispatched);
        long indexFrom = Long.MAX_VALUE;
        if (index != null) {
            index.load(false);
            indexFrom = index.indexedUpTo();
        }
        long verifyFrom = Math.min(Math.min(dispatched, checkpoint.commitLogFlushedOffset()), indexFrom);
        ScanOutcome outcome = commitLog.recover(verifyFrom, record -> {
            if (record.physicalOffset() >= dispatched) {
                queues.put(record.destination(), record.partition(), record.queueOffset(), record.physicalOffset(),
                        record.size(), record.tagHash());
            }
            if (index != null) {
                index.add(record.messageId(), record.keyList(), record.physicalOffset(), record.size(),
                        record.storeTimestamp());
            }
        }, config.quarantineDir());
        long logEnd = outcome.validEnd();
        queues.truncateFrom(logEnd);
        if (index != null && index.truncateAfter(logEnd)) {
            commitLog.replay(index.indexedUpTo(), logEnd, record -> index.add(record.messageId(), record.keyList(),
                    record.physicalOffset(), record.size(), record.storeTimestamp()));
        }
        queues.forceAll();
        if (index != null) {
            index.flush();
        }
        new Checkpoint(logEnd, logEnd, -1, clock.millis()).write(layer, config.checkpointFile());
        RecoveryReport report = new RecoveryReport(false, outcome.scanStart(), logEnd, outcome.recordsVerified(),
                outcome.problem(), outcome.discardedBytes());
        if (!outcome.clean()) {
            LOG.warn("store recovery: {}", report);
        }
        return report;
    }
}
