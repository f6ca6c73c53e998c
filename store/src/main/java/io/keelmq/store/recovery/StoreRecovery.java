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

/**
 * Brings the files of a store directory to a consistent state when the store opens:
 * after a clean shutdown by trusting the checkpoint, after a crash by verifying the
 * commit log from the checkpoint and rebuilding consume queues and index from it.
 */
public final class StoreRecovery {
    private static final Logger LOG = LoggerFactory.getLogger(StoreRecovery.class);

    private final StoreConfig config;
    private final FileLayer layer;
    private final CommitLog commitLog;
    private final ConsumeQueueTable queues;
    private final MessageIndex index;
    private final SubscriptionPositions positions;
    private final LogEndSettler settler;

    /** @param index null when the message index is disabled */
    public StoreRecovery(StoreConfig config, FileLayer layer, CommitLog commitLog, ConsumeQueueTable queues,
                         MessageIndex index, SubscriptionPositions positions, LogEndSettler settler) {
        this.config = config;
        this.layer = layer;
        this.commitLog = commitLog;
        this.queues = queues;
        this.index = index;
        this.positions = positions;
        this.settler = settler;
    }

    public RecoveryReport recover() throws IOException {
        layer.createDirectories(config.storePathRootDir());
        layer.createDirectories(config.configDir());
        Checkpoint checkpoint = Checkpoint.read(layer, config.checkpointFile());
        boolean abortMarker = layer.exists(config.abortFile());
        commitLog.load();
        queues.load();
        positions.load();
        long truncateTo = interruptedTruncation();
        if (truncateTo >= 0) {
            // A replica's cut was under way at the crash: finish it, then recover as after any crash from there.
            commitLog.truncateTo(truncateTo, config.quarantineDir());
            Checkpoint before = checkpoint == null ? Checkpoint.EMPTY : checkpoint;
            checkpoint = new Checkpoint(Math.min(before.commitLogFlushedOffset(), truncateTo),
                    Math.min(before.dispatchedOffset(), truncateTo), -1, before.timestamp());
            abortMarker = true;
        }
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
        if (truncateTo >= 0) {
            layer.delete(config.truncateMarkerFile());
        }
        LOG.info("store {} opened: {}", config.storePathRootDir(), report);
        return report;
    }

    /** The offset of a replica truncation a crash interrupted ({@code truncate-to}), or -1. */
    private long interruptedTruncation() throws IOException {
        byte[] marker = layer.readAll(config.truncateMarkerFile());
        if (marker == null) {
            return -1;
        }
        String text = new String(marker, java.nio.charset.StandardCharsets.US_ASCII).trim();
        try {
            return Long.parseLong(text);
        } catch (NumberFormatException e) {
            throw new IOException(config.truncateMarkerFile() + " should hold the offset of an interrupted truncation, "
                    + "not '" + text + "'");
        }
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
        settler.settleAt(logEnd);
        RecoveryReport report = new RecoveryReport(false, outcome.scanStart(), logEnd, outcome.recordsVerified(),
                outcome.problem(), outcome.discardedBytes());
        if (!outcome.clean()) {
            LOG.warn("store recovery: {}", report);
        }
        return report;
    }
}
