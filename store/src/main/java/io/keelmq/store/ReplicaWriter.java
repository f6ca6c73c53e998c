package io.keelmq.store;

import io.keelmq.store.dispatch.DispatchRequest;
import io.keelmq.store.dispatch.Dispatcher;
import io.keelmq.store.flush.FlushService;
import io.keelmq.store.io.FileLayer;
import io.keelmq.store.log.CommitLog;
import io.keelmq.store.log.RecordCodec;
import io.keelmq.store.queue.ConsumeQueue;
import io.keelmq.store.queue.ConsumeQueueTable;
import io.keelmq.store.recovery.LogEndSettler;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.Lock;
import java.util.function.BooleanSupplier;

/**
 * A slave's writes to its copy of the master's log (see io.keelmq.server.ha): verified records appended unchanged at
 * the master's offsets and dispatched like any record, and the cut of a tail that diverged from the master's. The
 * store's other parts are the {@link MessageStore}'s; this class only uses them, under the store's locks.
 */
final class ReplicaWriter {
    private final StoreConfig config;
    private final FileLayer layer;
    private final CommitLog commitLog;
    private final ConsumeQueueTable queues;
    private final LogEndSettler settler;
    private final Dispatcher dispatcher;
    private final FlushService flusher;
    /** Whether the log is committed by an interval flush (ASYNC_FLUSH): a replica append is then not awaited. */
    private final boolean asyncFlush;
    /** The store's close lock (read side): held while appending, so a close waits for the append. */
    private final Lock openLock;
    private final BooleanSupplier closed;
    /** The store's one-checkpoint-writer-at-a-time lock: a truncation writes the checkpoint too. */
    private final Object checkpointLock;

    ReplicaWriter(StoreConfig config, FileLayer layer, CommitLog commitLog, ConsumeQueueTable queues,
                  LogEndSettler settler, Dispatcher dispatcher, FlushService flusher, boolean asyncFlush, Lock openLock,
                  BooleanSupplier closed, Object checkpointLock) {
        this.config = config;
        this.layer = layer;
        this.commitLog = commitLog;
        this.queues = queues;
        this.settler = settler;
        this.dispatcher = dispatcher;
        this.flusher = flusher;
        this.asyncFlush = asyncFlush;
        this.openLock = openLock;
        this.closed = closed;
        this.checkpointLock = checkpointLock;
    }

    /** See {@link MessageStore#appendReplica}. */
    MessageStore.ReplicaAppend append(long offset, ByteBuffer records) throws IOException {
        List<StoredMessage> verified = new ArrayList<>();
        List<CommitLog.ReplicaRecord> placed = new ArrayList<>();
        int position = records.position();
        while (position < records.limit()) {
            if (records.limit() - position < RecordCodec.FIXED_HEADER) {
                throw new IOException("replica chunk at " + offset + " ends inside a record header");
            }
            int length = records.getInt(position);
            if (length < RecordCodec.FIXED_HEADER || position + length > records.limit()) {
                throw new IOException("replica record at " + (offset + position - records.position())
                        + " has bad length " + length);
            }
            ByteBuffer one = records.duplicate().position(position).limit(position + length);
            StoredMessage message = RecordCodec.decode(one, offset + position - records.position());
            verified.add(message);
            placed.add(new CommitLog.ReplicaRecord(message.destination(), message.partition(), message.queueOffset(),
                    message.storeTimestamp()));
            position += length;
        }
        if (!openLock.tryLock()) {
            throw new IOException("store is closing");
        }
        long end;
        try {
            if (closed.getAsBoolean()) {
                throw new IOException("store is closed");
            }
            end = commitLog.appendReplica(offset, records, placed);
            for (StoredMessage message : verified) {
                dispatcher.submit(new DispatchRequest(message.destination(), message.partition(),
                        message.queueOffset(), message.physicalOffset(), message.size(), message.tagHash(),
                        message.storeTimestamp(), message.messageId(), MessageRecord.splitKeys(message.keys())));
            }
        } finally {
            openLock.unlock();
        }
        if (asyncFlush) {
            dispatcher.wakeUp();
            return new MessageStore.ReplicaAppend(end, null);
        }
        return new MessageStore.ReplicaAppend(end, flusher.awaitDurable(end).thenApply(done -> end));
    }

    /** See {@link MessageStore#truncateReplica}. */
    void truncate(long offset) throws IOException {
        synchronized (checkpointLock) {
            truncateLocked(offset);
        }
    }

    private void truncateLocked(long offset) throws IOException {
        if (offset >= commitLog.writeOffset()) {
            return;
        }
        layer.writeAtomically(config.truncateMarkerFile(), Long.toString(offset).getBytes(StandardCharsets.US_ASCII));
        commitLog.flush();
        dispatcher.dispatchConfirmed();     // nothing confirmed is left for the dispatcher to add after the cut
        commitLog.truncateTo(offset, config.quarantineDir());
        dispatcher.rewindTo(offset);
        settler.settleAt(offset);
        for (ConsumeQueue queue : queues.all()) {
            commitLog.setNextQueueOffset(queue.destination(), queue.partition(), queue.maxOffset());
        }
        layer.delete(config.truncateMarkerFile());
    }
}
