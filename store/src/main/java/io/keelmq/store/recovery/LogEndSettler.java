package io.keelmq.store.recovery;

import io.keelmq.store.StoreConfig;
import io.keelmq.store.index.MessageIndex;
import io.keelmq.store.io.FileLayer;
import io.keelmq.store.log.CommitLog;
import io.keelmq.store.queue.ConsumeQueueTable;

import java.io.IOException;
import java.time.Clock;

/**
 * Brings consume queues, index and checkpoint to a commit-log end that was just decided: by a crash recovery, which
 * verified the log up to its valid end, and by a slave, which cut a tail that diverged from its master's. The two
 * must end the same way, or a crash after a cut would recover from a different state than a crash after a recovery.
 */
public final class LogEndSettler {
    private final StoreConfig config;
    private final FileLayer layer;
    private final Clock clock;
    private final CommitLog commitLog;
    private final ConsumeQueueTable queues;
    private final MessageIndex index;

    /** @param index null when the message index is disabled */
    public LogEndSettler(StoreConfig config, FileLayer layer, Clock clock, CommitLog commitLog,
                         ConsumeQueueTable queues, MessageIndex index) {
        this.config = config;
        this.layer = layer;
        this.clock = clock;
        this.commitLog = commitLog;
        this.queues = queues;
        this.index = index;
    }

    /**
     * Drops consume-queue entries at or past {@code logEnd}; rebuilds the index from the log up to it when the index
     * reached past it (the index cannot drop single entries); forces both; then writes the checkpoint at
     * {@code logEnd}, last, so that a crash before it recovers from the older checkpoint and repeats these steps.
     */
    public void settleAt(long logEnd) throws IOException {
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
    }
}
