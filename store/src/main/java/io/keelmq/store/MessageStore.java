package io.keelmq.store;

import io.keelmq.store.AppendResult.AppendedRecord;
import io.keelmq.store.dispatch.DispatchRequest;
import io.keelmq.store.dispatch.Dispatcher;
import io.keelmq.store.flush.AsyncCommitter;
import io.keelmq.store.flush.FlushService;
import io.keelmq.store.flush.GroupCommitFlusher;
import io.keelmq.store.flush.IntervalFlusher;
import io.keelmq.store.index.MessageIndex;
import io.keelmq.store.io.ChannelFileLayer;
import io.keelmq.store.io.FailureBackoff;
import io.keelmq.store.io.FileLayer;
import io.keelmq.store.log.CommitLog;
import io.keelmq.store.log.EncodedRecord;
import io.keelmq.store.log.IllegalRecordException;
import io.keelmq.store.log.RecordCodec;
import io.keelmq.store.position.SubscriptionPositions;
import io.keelmq.store.queue.ConsumeQueue;
import io.keelmq.store.queue.ConsumeQueueEntry;
import io.keelmq.store.queue.ConsumeQueueTable;
import io.keelmq.store.recovery.Checkpoint;
import io.keelmq.store.recovery.LogEndSettler;
import io.keelmq.store.recovery.RecoveryReport;
import io.keelmq.store.recovery.StoreRecovery;
import io.keelmq.store.replica.EpochFile;
import io.keelmq.store.retention.DiskSpaceGuard;
import io.keelmq.store.retention.RetentionFloor;
import io.keelmq.store.retention.RetentionService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * The storage engine: commit log, consume queues, index, flush, recovery, retention
 * and subscription positions behind one object. No network, no JMS.
 *
 * <p>Append path: encode (caller's thread) → write under the commit-log lock →
 * SYNC_FLUSH: wait for the group commit, ASYNC_FLUSH: answer at once → the dispatcher
 * adds the record to its consume queue and the index once it is confirmed (under SYNC_FLUSH
 * on the group-commit thread, right after the force and before the appends are answered).
 */
public final class MessageStore implements Closeable {
    private static final Logger LOG = LoggerFactory.getLogger(MessageStore.class);

    private final StoreConfig config;
    private final FileLayer layer;
    private final Clock clock;
    private final CommitLog commitLog;
    private final ConsumeQueueTable queues;
    private final MessageIndex index;
    private final SubscriptionPositions positions;
    /** How recovery and a slave's cut end: queues, index and checkpoint brought to a decided log end. */
    private final LogEndSettler settler;
    private final ReentrantReadWriteLock closeLock = new ReentrantReadWriteLock();
    /** Bytes of commit log one read of {@link #readNear} covers at most. */
    private static final int READ_NEAR_SPAN = 512 * 1024;
    private final LongAdder recordsRead = new LongAdder();
    private Dispatcher dispatcher;
    private FlushService flusher;
    private AsyncCommitter committer;
    private RetentionService retention;
    private DiskSpaceGuard disk;
    /** A slave's appends of its master's records and cuts of a diverged tail. */
    private ReplicaWriter replicaWriter;
    /** A full disk fails every checkpoint for as long as it lasts: skip runs during a growing pause. */
    private final FailureBackoff checkpointBackoff = new FailureBackoff("checkpoint", LOG, 1_000, 30_000);
    /**
     * One writer of the checkpoint file at a time: the periodic checkpoint, a replica's truncation and the clean
     * shutdown each write it through the same temporary file, and a periodic checkpoint computed before a truncation
     * must not land after it (it would claim dispatched bytes that the truncation cut).
     */
    private final Object checkpointLock = new Object();
    private ScheduledExecutorService scheduler;
    private RecoveryReport recoveryReport;
    private EpochFile epochs;
    private volatile boolean closed;
    /**
     * Replication: records ending above this are not dispatched (consumers of a master never see what its in-sync
     * slaves do not have yet). {@code Long.MAX_VALUE} while no slave is in sync: one volatile read per look.
     */
    private volatile long visibleLimit = Long.MAX_VALUE;
    /** Replication: told after records reached the file (so a slave can be sent them); null without slaves. */
    private volatile Runnable writtenListener;

    private MessageStore(StoreConfig config, FileLayer layer, Clock clock) {
        this.config = config;
        this.layer = layer;
        this.clock = clock;
        this.commitLog = new CommitLog(config.commitLogDir(), config.mappedFileSizeCommitLog(), layer,
                config.flushDiskType() == FlushDiskType.ASYNC_FLUSH, config.maxMessageSize() + RecordLimits.MAX_OVERHEAD);
        this.queues = new ConsumeQueueTable(config.consumeQueueDir(), config.consumeQueueEntriesPerFile(), layer);
        this.index = config.messageIndexEnable()
                ? new MessageIndex(config.indexDir(), layer, config.maxHashSlotNum(), config.maxIndexNum()) : null;
        this.positions = new SubscriptionPositions(layer, config.configDir().resolve("positions"));
        this.settler = new LogEndSettler(config, layer, clock, commitLog, queues, index);
    }

    public static MessageStore open(StoreConfig config) throws IOException {
        return open(config, ChannelFileLayer.INSTANCE, Clock.systemUTC());
    }

    /** Opens (creating or recovering) the store in {@code config.storePathRootDir()}. */
    public static MessageStore open(StoreConfig config, FileLayer layer, Clock clock) throws IOException {
        config.validate();
        MessageStore store = new MessageStore(config, layer, clock);
        try {
            store.recoveryReport = new StoreRecovery(config, layer, store.commitLog, store.queues, store.index,
                    store.positions, store.settler).recover();
            store.epochs = EpochFile.load(layer, config.configDir().resolve("epochs"));
            store.start();
        } catch (IOException | RuntimeException e) {
            store.closeFiles();
            throw e;
        }
        return store;
    }

    private void start() throws IOException {
        layer.writeAtomically(config.abortFile(), new byte[0]);
        boolean sync = config.flushDiskType() == FlushDiskType.SYNC_FLUSH;
        dispatcher = new Dispatcher(queues, index,
                sync ? () -> Math.min(commitLog.flushedOffset(), visibleLimit)
                        : () -> Math.min(commitLog.committedOffset(), visibleLimit), commitLog.writeOffset());
        if (!sync) {
            committer = new AsyncCommitter(new AsyncCommitter.LogCommitter() {
                @Override
                public boolean hasUncommitted() {
                    return commitLog.hasUncommitted();
                }

                @Override
                public long uncommittedBytes() {
                    return commitLog.writeOffset() - commitLog.committedOffset();
                }

                @Override
                public long commit() throws IOException {
                    long committed = commitLog.commit();
                    Runnable listener = writtenListener;
                    if (listener != null) {
                        listener.run();
                    }
                    return committed;
                }
            }, dispatcher::wakeUp);
        }
        if (sync) {
            dispatcher.dispatchedElsewhere();
        }
        // Under SYNC_FLUSH the group-commit thread dispatches what each force confirmed itself: one thread
        // wake-up fewer per commit, and the sends it completes are visible at once (see Dispatcher). It tells the
        // arrival listeners only after completing those sends, as they may claim and answer pulls right there.
        flusher = sync
                ? new GroupCommitFlusher(commitLog::flush, dispatcher::dispatchConfirmedUnannounced,
                        dispatcher::announceArrivals, config.syncFlushTimeout())
                : new IntervalFlusher(commitLog::flush, config.flushIntervalCommitLog());
        replicaWriter = new ReplicaWriter(config, layer, commitLog, queues, settler, dispatcher, flusher, !sync,
                closeLock.readLock(), () -> closed, checkpointLock);
        disk = new DiskSpaceGuard(config, layer);
        retention = new RetentionService(config, commitLog, queues, index, positions, dispatcher::dispatchedOffset,
                disk, clock);
        disk.check();
        if (config.commitLogPrefill()) {
            // The zeros count as appended bytes for the disk's sampling, and stop at the warning level; a chunk that
            // finds no space makes the disk be sampled at once, before the records run past the window.
            commitLog.startPrefill(bytes -> disk.refusal(bytes, false) == null,
                    failure -> disk.noSpace(failure, "commit-log prefill", 0));
        }
        dispatcher.start();
        flusher.start();
        if (committer != null) {
            committer.start();
        }
        scheduler = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "keel-store-checkpoint");
            thread.setDaemon(true);
            return thread;
        });
        scheduler.scheduleWithFixedDelay(this::checkpointQuietly, config.flushIntervalConsumeQueue(),
                config.flushIntervalConsumeQueue(), TimeUnit.MILLISECONDS);
        scheduler.scheduleWithFixedDelay(this::retentionQuietly, config.cleanResourceInterval(),
                config.cleanResourceInterval(), TimeUnit.MILLISECONDS);
    }

    // ---------------------------------------------------------------- append

    public CompletableFuture<AppendResult> appendAsync(MessageRecord record) {
        return appendBatchAsync(List.of(record));
    }

    /** Appends the records contiguously; one status answers for the whole batch. */
    public CompletableFuture<AppendResult> appendBatchAsync(List<MessageRecord> records) {
        return appendBatchAsync(records, false);
    }

    /**
     * Like {@link #appendBatchAsync}, for a caller that calls {@link #commitWaiting()} itself soon after (a
     * network I/O thread, once it has handled its read batch): under SYNC_FLUSH the group-commit thread is not
     * woken for these records, and the caller's commit completes the answer on the caller's thread.
     */
    public CompletableFuture<AppendResult> appendBatchCommittedByCallerAsync(List<MessageRecord> records) {
        return appendBatchAsync(records, true);
    }

    /**
     * Appends one of the broker's own records (a due delayed message, a retry copy or dead-letter move, a
     * transaction's decision or DONE record) like {@link #appendAsync}, except that while clients' appends are
     * refused for lack of disk space it may use the first half of the reserve above
     * {@code diskSpaceWarningLevelRatio} (see {@link DiskSpaceGuard}): refusing it would leave a message that
     * was accepted nowhere. Above that it is refused with DISK_FULL too, and the caller retries later.
     */
    public CompletableFuture<AppendResult> appendReservedAsync(MessageRecord record) {
        return appendBatchAsync(List.of(record), false, true);
    }

    /** Like {@link #appendBatchWrittenAsync}, for the broker's own records: may use the reserve (see {@link #appendReservedAsync}). */
    public CompletableFuture<AppendResult> appendBatchReservedWrittenAsync(List<MessageRecord> records) {
        return appendBatchWrittenAsync(records, true);
    }

    private CompletableFuture<AppendResult> appendBatchAsync(List<MessageRecord> records, boolean callerCommits) {
        return appendBatchAsync(records, callerCommits, false);
    }

    private CompletableFuture<AppendResult> appendBatchAsync(List<MessageRecord> records, boolean callerCommits,
                                                             boolean reserved) {
        CompletableFuture<AppendResult> written = appendBatchWrittenAsync(records, reserved);
        if (committer != null) {
            return written;
        }
        // A written batch completes at once, so this runs on the appending thread, before its commit.
        return written.thenCompose(result -> result.ok() ? awaitDurable(result, callerCommits) : completed(result));
    }

    /**
     * Under SYNC_FLUSH: forces, on the calling thread, for every append still waiting for a force, then
     * dispatches and completes them there (their answers' continuations run on this thread). For callers of
     * {@link #appendBatchCommittedByCallerAsync}; harmless anywhere else, and a no-op under ASYNC_FLUSH.
     */
    public void commitWaiting() {
        flusher.commitWaiting();
    }

    /**
     * Appends the records like {@link #appendBatchAsync} but answers once they are written (in the segment
     * file under SYNC_FLUSH, in the write buffer under ASYNC_FLUSH), without waiting for a force: a PUT_OK
     * here promises nothing about a crash. The records become durable with the next force that covers
     * their end offset, which under SYNC_FLUSH is any later {@link #awaitDurable} (or SYNC_FLUSH append)
     * reaching past them: a force always covers the whole log below its target, whatever the segment (see
     * {@code CommitLog.flush}). For records that mean nothing until a later record decides them (the
     * broker's transaction halves), which then waits for that decision's force.
     *
     * <p>Under ASYNC_FLUSH this is the same as {@link #appendBatchAsync}. The records are dispatched (to
     * their consume queue and the index) only once durable under SYNC_FLUSH, as any record.
     */
    public CompletableFuture<AppendResult> appendBatchWrittenAsync(List<MessageRecord> records) {
        return appendBatchWrittenAsync(records, false);
    }

    private CompletableFuture<AppendResult> appendBatchWrittenAsync(List<MessageRecord> records, boolean reserved) {
        if (records.isEmpty()) {
            return CompletableFuture.completedFuture(new AppendResult(AppendStatus.PUT_OK, List.of(), null));
        }
        List<EncodedRecord> encoded = new ArrayList<>(records.size());
        try {
            for (MessageRecord record : records) {
                encoded.add(new EncodedRecord(record, RecordCodec.encode(record, config.maxMessageSize())));
            }
        } catch (IllegalRecordException e) {
            return completed(AppendResult.failed(e.status(), e.getMessage()));
        }
        long batchBytes = 0;
        for (EncodedRecord record : encoded) {
            batchBytes += record.size();
        }
        if (batchBytes > config.mappedFileSizeCommitLog() - RecordLimits.BLANK_SIZE) {
            return completed(AppendResult.failed(AppendStatus.MESSAGE_ILLEGAL, "a batch of " + batchBytes
                    + " bytes does not fit in one commit-log segment (mappedFileSizeCommitLog "
                    + config.mappedFileSizeCommitLog() + ")"));
        }
        List<AppendedRecord> placed;
        if (!closeLock.readLock().tryLock()) {
            return completed(AppendResult.failed(AppendStatus.SERVICE_NOT_AVAILABLE, "store is closing"));
        }
        try {
            if (closed) {
                return completed(AppendResult.failed(AppendStatus.SERVICE_NOT_AVAILABLE, "store is closed"));
            }
            IOException forceFailure = flusher.failure();
            if (forceFailure != null) {
                // Final: after a failed fsync the kernel may have dropped the pages, and a later fsync may succeed
                // all the same, so nothing after it could be promised durable. Recovery at the next start decides.
                return completed(AppendResult.failed(DiskSpaceGuard.saysNoSpace(forceFailure) ? AppendStatus.DISK_FULL
                        : AppendStatus.IO_ERROR, "nothing stored: an earlier commit-log force failed ("
                        + forceFailure.getMessage() + "); restart the broker so that recovery verifies the log in "
                        + config.commitLogDir() + "; " + disk.describe()));
            }
            String refused = disk.refusal(batchBytes, reserved);
            if (refused != null) {
                return completed(AppendResult.failed(AppendStatus.DISK_FULL, refused));
            }
            placed = commitLog.append(encoded, clock.millis(), (record, where) -> dispatcher.submit(
                    new DispatchRequest(record.source().destination(), record.source().partition(), where.queueOffset(),
                            where.physicalOffset(), where.size(), record.source().tagHash(), where.storeTimestamp(),
                            record.source().messageId(), MessageRecord.splitKeys(record.source().keys()))));
        } catch (IOException e) {
            // The commit log undid the partial write; nothing of the batch is stored.
            String noSpace = disk.noSpace(e, "commit-log write to " + config.commitLogDir(), batchBytes);
            if (noSpace != null) {
                return completed(AppendResult.failed(AppendStatus.DISK_FULL, noSpace));
            }
            LOG.error("commit-log append failed", e);
            return completed(AppendResult.failed(AppendStatus.IO_ERROR, "commit-log write failed: " + e));
        } finally {
            closeLock.readLock().unlock();
        }
        AppendResult ok = new AppendResult(AppendStatus.PUT_OK, List.copyOf(placed), null);
        if (committer != null) {
            committer.wakeUp();
        } else {
            Runnable listener = writtenListener;
            if (listener != null) {
                listener.run();     // SYNC_FLUSH: in the file now, so a slave's copy overlaps this force
            }
        }
        return completed(ok);
    }

    /**
     * Completes with {@code written} once the commit log is durable up to the end of its last record
     * (and so, every byte before it, including records answered by {@link #appendBatchWrittenAsync} in
     * earlier segments), with FLUSH_DISK_TIMEOUT if no force covered it within {@code syncFlushTimeout},
     * with IO_ERROR if the force failed. Under ASYNC_FLUSH at once. {@code written} must be a PUT_OK answer.
     */
    public CompletableFuture<AppendResult> awaitDurable(AppendResult written) {
        return awaitDurable(written, false);
    }

    private CompletableFuture<AppendResult> awaitDurable(AppendResult written, boolean callerCommits) {
        if (!written.ok() || written.records().isEmpty()) {
            throw new IllegalArgumentException("only records that were written can become durable: " + written);
        }
        if (committer != null) {
            return completed(written);
        }
        AppendResult ok = written;
        long end = written.endOffset();
        CompletableFuture<Void> durable = callerCommits ? flusher.awaitDurableCommittedByCaller(end)
                : flusher.awaitDurable(end);
        return durable.handle((forced, failure) -> {
            if (failure == null) {
                return ok;
            }
            Throwable cause = failure instanceof java.util.concurrent.CompletionException ? failure.getCause() : failure;
            if (cause instanceof java.util.concurrent.TimeoutException) {
                return ok.withStatus(AppendStatus.FLUSH_DISK_TIMEOUT, "not forced within syncFlushTimeout "
                        + config.syncFlushTimeout() + " ms");
            }
            // Written but not forced: the bytes may or may not be on disk, which is what FLUSH_DISK_TIMEOUT says
            // (recovery at the next start decides). After a failed force the store takes no more appends until
            // restart; otherwise the store was closing.
            if (flusher.failure() == null) {
                return ok.withStatus(AppendStatus.FLUSH_DISK_TIMEOUT, "written to " + config.commitLogDir()
                        + " but not forced: " + rootCause(cause));
            }
            return ok.withStatus(AppendStatus.FLUSH_DISK_TIMEOUT, "written to " + config.commitLogDir()
                    + " but the force failed (" + rootCause(cause) + "), so it may not be durable; no more sends "
                    + "are taken until the broker restarts and recovery verifies the log; " + disk.describe());
        });
    }

    /** Appends and waits for the answer. */
    public AppendResult append(MessageRecord record) {
        return appendAsync(record).join();
    }

    public AppendResult appendBatch(List<MessageRecord> records) {
        return appendBatchAsync(records).join();
    }

    private static CompletableFuture<AppendResult> completed(AppendResult result) {
        return CompletableFuture.completedFuture(result);
    }

    private static String rootCause(Throwable failure) {
        Throwable cause = failure;
        while (cause.getCause() != null && cause != cause.getCause()) {
            cause = cause.getCause();
        }
        return cause.toString();
    }

    // ---------------------------------------------------------------- read

    /** The record at a commit-log offset, CRC-verified; null if nothing is stored there. */
    public StoredMessage read(long physicalOffset) throws IOException {
        recordsRead.increment();
        return commitLog.read(physicalOffset);
    }

    /**
     * The records at commit-log {@code offsets} (ascending, with the sizes their consume-queue entries give), reading
     * records that lie close together with one read ({@link CommitLog#readNear}); null where nothing is stored.
     */
    public StoredMessage[] readNear(long[] offsets, int[] sizes) throws IOException {
        recordsRead.add(offsets.length);
        return commitLog.readNear(offsets, sizes, READ_NEAR_SPAN);
    }

    /**
     * How many records {@link #read(long)} was asked for since the store was opened: lets the broker's users (and
     * tests) see what filtering from the consume queue's tag hashes saves.
     */
    public long recordsRead() {
        return recordsRead.sum();
    }

    /** The consume queue of a (destination, partition), or null if it has none. */
    public ConsumeQueue consumeQueue(String destination, int partition) {
        return queues.find(destination, partition);
    }

    /** Partitions of {@code destination} that hold messages. */
    public List<Integer> partitions(String destination) {
        List<Integer> partitions = new ArrayList<>();
        for (ConsumeQueue queue : queues.all()) {
            if (queue.destination().equals(destination)) {
                partitions.add(queue.partition());
            }
        }
        partitions.sort(null);
        return partitions;
    }

    /** Up to {@code maxCount} messages of a partition from logical offset {@code fromOffset}. */
    public List<StoredMessage> readQueue(String destination, int partition, long fromOffset, int maxCount)
            throws IOException {
        ConsumeQueue queue = queues.find(destination, partition);
        if (queue == null) {
            return List.of();
        }
        List<StoredMessage> messages = new ArrayList<>();
        for (ConsumeQueueEntry entry : queue.read(fromOffset, maxCount)) {
            StoredMessage message = commitLog.read(entry.physicalOffset());
            if (message != null) {
                messages.add(message);
            }
        }
        return messages;
    }

    public long minQueueOffset(String destination, int partition) {
        ConsumeQueue queue = queues.find(destination, partition);
        return queue == null ? 0 : queue.minOffset();
    }

    public long maxQueueOffset(String destination, int partition) {
        ConsumeQueue queue = queues.find(destination, partition);
        return queue == null ? 0 : queue.maxOffset();
    }

    /** First logical offset stored at or after {@code timestamp} (consume from timestamp, backtracking). */
    public long queueOffsetAtTime(String destination, int partition, long timestamp) throws IOException {
        ConsumeQueue queue = queues.find(destination, partition);
        if (queue == null) {
            return 0;
        }
        return queue.offsetAtTime(timestamp, offset -> {
            StoredMessage message = commitLog.read(offset);
            return message == null ? Long.MAX_VALUE : message.storeTimestamp();
        });
    }

    /** Messages carrying {@code key} stored within [from, to], newest first. */
    public List<StoredMessage> queryByKey(String key, long fromTimestamp, long toTimestamp, int max) throws IOException {
        requireIndex();
        return confirm(index.queryKey(key, fromTimestamp, toTimestamp, max * 2), fromTimestamp, toTimestamp, max,
                message -> message.keyList().contains(key));
    }

    /** Messages whose id is {@code messageId} stored within [from, to]. */
    public List<StoredMessage> queryByMessageId(String messageId, long fromTimestamp, long toTimestamp)
            throws IOException {
        requireIndex();
        return confirm(index.queryId(messageId, fromTimestamp, toTimestamp, 32), fromTimestamp, toTimestamp, 32,
                message -> message.messageId().equals(messageId));
    }

    private void requireIndex() {
        if (index == null) {
            throw new IllegalStateException("the message index is disabled (messageIndexEnable=false)");
        }
    }

    /** Hash hits are candidates: keep those whose record really matches and is still stored. */
    private List<StoredMessage> confirm(List<Long> offsets, long from, long to, int max,
                                        java.util.function.Predicate<StoredMessage> matches) throws IOException {
        List<StoredMessage> found = new ArrayList<>();
        for (long offset : offsets) {
            if (offset < commitLog.minOffset() || found.size() >= max) {
                continue;
            }
            StoredMessage message = commitLog.read(offset);
            if (message != null && matches.test(message) && message.storeTimestamp() >= from
                    && message.storeTimestamp() <= to) {
                found.add(message);
            }
        }
        return found;
    }

    // ---------------------------------------------------------------- replication (see io.keelmq.server.ha)

    /** The broker's leader epochs ({@code config/epochs}). */
    public EpochFile epochs() {
        return epochs;
    }

    /** Master side: what a slave copies next from {@code from} (see {@link CommitLog#readRaw}). */
    public CommitLog.RawChunk readReplicable(long from, int maxBytes) throws IOException {
        return commitLog.readRaw(from, maxBytes);
    }

    /** Master side: {@code listener} runs (on the appending thread; it must not block) whenever records reach the file. */
    public void onWritten(Runnable listener) {
        this.writtenListener = listener;
    }

    /**
     * Master side: consumers see no record ending above {@code offset} (the in-sync slaves' lowest acknowledgement);
     * {@code Long.MAX_VALUE} lifts the limit. Dispatches, on the calling thread, what the new limit lets through.
     */
    public void limitVisibleTo(long offset) {
        long before = visibleLimit;
        visibleLimit = offset;
        if (offset > before && dispatcher != null) {
            dispatcher.dispatchConfirmed();
        }
    }

    /** The offset {@link #limitVisibleTo} set, {@code Long.MAX_VALUE} when none. */
    public long visibleLimit() {
        return visibleLimit;
    }

    /**
     * Slave side: verifies each record the master sent (length, magic, CRC32C over its own offset) and writes them,
     * unchanged, at {@code offset}; they reach consume queues and index as any record once forced (SYNC_FLUSH) or
     * written (ASYNC_FLUSH). Nothing of a chunk with a bad record is written.
     *
     * @return the end of what is written, and when it is forced
     * @throws IOException on a corrupt record (the message names it), a gap, or a failed write
     */
    public ReplicaAppend appendReplica(long offset, ByteBuffer records) throws IOException {
        return replicaWriter.append(offset, records);
    }

    /**
     * Slave side: cuts the log at {@code offset}, the end of the last epoch it shares with its master, moving the
     * bytes after it to {@code quarantine/} first; consume queues and index lose what pointed there. Crash-safe: the
     * offset is recorded durably first ({@code truncate-to}), and an open that finds it finishes the cut before
     * anything else. For a slave, which serves no consumer; the caller appends nothing meanwhile.
     */
    public void truncateReplica(long offset) throws IOException {
        replicaWriter.truncate(offset);
    }

    /**
     * What {@link #appendReplica} wrote: up to {@code writtenEnd}; {@code forced} completes once durable under
     * SYNC_FLUSH, and is null under ASYNC_FLUSH (the interval flush: see {@link #commitLogFlushedOffset}).
     */
    public record ReplicaAppend(long writtenEnd, CompletableFuture<Long> forced) {
    }

    // ---------------------------------------------------------------- positions, retention, state

    public SubscriptionPositions positions() {
        return positions;
    }

    public void addRetentionFloor(RetentionFloor floor) {
        retention.addFloor(floor);
    }

    public void addArrivalListener(MessageArrivalListener listener) {
        dispatcher.addListener(listener);
    }

    /** Runs retention now, whatever the hour (an operator's "clean now"). */
    public RetentionService.Outcome deleteExpiredNow() throws IOException {
        return retention.run(true);
    }

    /** Re-reads disk usage (also every {@code cleanResourceInterval}, and as appends use space). */
    public double checkDisk() {
        return disk.check();
    }

    /** Whether clients' appends are refused for lack of disk space (above {@code diskSpaceWarningLevelRatio}). */
    public boolean diskFull() {
        return disk.clientsRefused();
    }

    public RecoveryReport recoveryReport() {
        return recoveryReport;
    }

    public StoreConfig config() {
        return config;
    }

    public long commitLogMinOffset() {
        return commitLog.minOffset();
    }

    public long commitLogMaxOffset() {
        return commitLog.writeOffset();
    }

    public long commitLogFlushedOffset() {
        return commitLog.flushedOffset();
    }

    /** Commit-log forces made by the flush service since the store opened. */
    public long commitLogForces() {
        return flusher.forces();
    }

    /** End of the last record visible in the consume queues. */
    public long dispatchedOffset() {
        return dispatcher.dispatchedOffset();
    }

    /** Forces consume queues and index, persists positions, then records a checkpoint. */
    public void checkpoint() throws IOException {
        synchronized (checkpointLock) {
            long dispatched = dispatcher.dispatchedOffset();
            queues.forceAll();
            if (index != null) {
                index.flush();
            }
            positions.persistIfChanged();
            new Checkpoint(commitLog.flushedOffset(), dispatched, -1, clock.millis())
                    .write(layer, config.checkpointFile());
        }
    }

    private void checkpointQuietly() {
        if (!checkpointBackoff.due()) {
            return;
        }
        try {
            checkpoint();
            checkpointBackoff.succeeded();
        } catch (IOException | RuntimeException e) {
            checkpointBackoff.failed(e);
        }
    }

    private void retentionQuietly() {
        try {
            retention.run(false);
        } catch (IOException | RuntimeException e) {
            LOG.error("retention run failed", e);
        }
    }

    /**
     * Clean shutdown: stop appends, flush, let the dispatcher finish, force everything,
     * and record the exact end of the log so the next open needs no scan.
     */
    @Override
    public void close() throws IOException {
        closeLock.writeLock().lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
        } finally {
            closeLock.writeLock().unlock();
        }
        IOException failure = null;
        try {
            scheduler.shutdown();
            scheduler.awaitTermination(30, TimeUnit.SECONDS);
            if (committer != null) {
                committer.shutdown();
            }
            flusher.shutdown();
            failure = flusher.failure();
            if (failure == null) {
                try {
                    commitLog.flush();
                } catch (IOException e) {
                    failure = e;
                }
            }
            dispatcher.wakeUp();
            dispatcher.shutdown();
            if (failure == null) {
                recordCleanShutdown();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            failure = new IOException("interrupted while closing the store", e);
        } catch (IOException e) {
            failure = e;
        } finally {
            closeFiles();
        }
        if (failure != null) {
            throw failure;
        }
    }

    private void recordCleanShutdown() throws IOException {
        synchronized (checkpointLock) {
            recordCleanShutdownLocked();
        }
    }

    private void recordCleanShutdownLocked() throws IOException {
        queues.forceAll();
        if (index != null) {
            index.flush();
        }
        positions.persist();
        long dispatched = dispatcher.dispatchedOffset();
        long end = commitLog.writeOffset();
        boolean complete = dispatched == end;
        new Checkpoint(commitLog.flushedOffset(), dispatched, complete ? end : -1, clock.millis())
                .write(layer, config.checkpointFile());
        if (complete) {
            layer.delete(config.abortFile());
        } else {
            LOG.warn("shutdown with records not yet dispatched ({} < {}); the next start recovers them",
                    dispatched, end);
        }
    }

    private void closeFiles() {
        try {
            commitLog.close();
            queues.close();
            if (index != null) {
                index.close();
            }
        } catch (IOException e) {
            LOG.warn("closing store files failed: {}", e.toString());
        }
    }
}
