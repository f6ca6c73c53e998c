package io.keelmq.server.send;

import io.keelmq.protocol.frame.ErrorCode;
import io.keelmq.protocol.frame.Frame;
import io.keelmq.protocol.frame.ProtocolException;
import io.keelmq.protocol.frame.RequestCode;
import io.keelmq.protocol.frame.WireReader;
import io.keelmq.protocol.message.DestinationRef;
import io.keelmq.protocol.message.PropertyLimits;
import io.keelmq.protocol.message.WireMessage;
import io.keelmq.protocol.message.WireMessageCodec;
import io.keelmq.server.config.BrokerConfig;
import io.keelmq.server.config.ConfigKeys;
import io.keelmq.server.delay.DeliveryDelay;
import io.keelmq.server.delay.TimerForm;
import io.keelmq.server.destination.Destination;
import io.keelmq.server.destination.DestinationRegistry;
import io.keelmq.server.errors.RequestException;
import io.keelmq.server.ha.HaService;
import io.keelmq.server.message.StoredForm;
import io.keelmq.server.tx.HalfRecords;
import io.keelmq.server.tx.Transaction;
import io.keelmq.store.AppendResult;
import io.keelmq.store.FlushDiskType;
import io.keelmq.store.MessageArrivalListener;
import io.keelmq.store.MessageRecord;
import io.keelmq.store.MessageStore;
import io.keelmq.store.StoredMessage;
import io.netty.buffer.Unpooled;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * The send path (RocketMQ's SendMessageProcessor): validates, picks the partition and appends
 * through {@link MessageStore#appendBatchAsync}, on the thread that handles the connection's
 * request (its network thread when the connection has nothing queued, see
 * {@link io.keelmq.server.connection.SerialExecutor#executeHereIfIdle}). There is no send thread:
 * each hop to another thread costs a wake-up, and the connection's serial order already keeps
 * a producer's pipelined sends in order (across connections no order is promised). The answer
 * is written when the append completes (after the group commit under SYNC_FLUSH; a transacted
 * send's half once written, see {@link io.keelmq.server.tx.TransactionService#commit}) and the
 * message is in its consume queue ({@link DispatchGate}), so no thread ever waits for a disk
 * flush, and a message whose send returned is visible to every consumer and browser. (Except while
 * the dispatcher cannot write, on a full disk: then a durable message is answered SEND_OK at once and
 * becomes visible once a retry works, rather than leave its sender without an answer.)
 *
 * <p>Backpressure, never by blocking the caller: at most {@code maxInFlightSends} appends await
 * their flush, and a send that finds none free is answered BUSY at once; so is one that waited
 * longer than {@code waitTimeMillsInSendQueue} between its arrival and now (queued behind its
 * connection's earlier requests). Nothing is dropped silently.
 */
public final class SendService {
    private static final Logger LOG = LoggerFactory.getLogger(SendService.class);

    private record PendingSend(Frame request, SendReply reply, long arrivedNanos) {
    }

    private final MessageStore store;
    private final DestinationRegistry destinations;
    private final Clock clock;
    private final int maxMessageSize;
    private final long maxWaitNanos;
    private final boolean indexEnabled;
    /** SYNC_FLUSH and commitOnIoThread: a send's I/O thread may force for it (see {@link SendReply#commitAfterReadBatch}). */
    private final boolean commitOnIoThread;
    private final PropertyLimits propertyLimits;
    private final boolean populateUserId;
    private final Semaphore inFlight;
    private final int inFlightPermits;
    private final RecentAppends recent;
    private final DispatchGate dispatchGate;
    private final DeliveryDelay delay;
    private volatile boolean running = true;
    /** Replication (brokerRole), or null: a standalone broker's sends never look at it. */
    private volatile HaService ha;

    public SendService(BrokerConfig config, MessageStore store, DestinationRegistry destinations, Clock clock) {
        this.store = store;
        this.destinations = destinations;
        this.clock = clock;
        this.maxMessageSize = config.maxMessageSize();
        this.maxWaitNanos = TimeUnit.MILLISECONDS.toNanos(config.get(ConfigKeys.WAIT_TIME_MILLS_IN_SEND_QUEUE));
        this.indexEnabled = config.get(ConfigKeys.MESSAGE_INDEX_ENABLE);
        this.commitOnIoThread = config.flushDiskType() == FlushDiskType.SYNC_FLUSH
                && config.get(ConfigKeys.COMMIT_ON_IO_THREAD);
        this.propertyLimits = config.propertyLimits();
        this.populateUserId = config.get(ConfigKeys.POPULATE_JMSX_USER_ID);
        this.inFlightPermits = config.get(ConfigKeys.MAX_IN_FLIGHT_SENDS);
        this.inFlight = new Semaphore(inFlightPermits);
        this.recent = new RecentAppends(store::dispatchedOffset);
        this.dispatchGate = new DispatchGate(store::dispatchedOffset);
        this.delay = new DeliveryDelay(config.get(ConfigKeys.MESSAGE_DELAY_LEVEL));
        store.addArrivalListener(new MessageArrivalListener() {
            @Override
            public void arrived(String destination, int partition, long maxQueueOffset) {
                dispatchGate.dispatched();
            }

            @Override
            public void dispatchFailing() {
                dispatchGate.stalled();
            }
        });
    }

    /** Sends from now on go through replication: refused on a slave, replicated on a SYNC_MASTER. */
    public void replication(HaService service) {
        this.ha = service;
    }

    /** The replication service, or null. */
    public HaService replication() {
        return ha;
    }

    /**
     * Handles a SEND or SEND_BATCH on the calling thread, which must be the connection's request
     * context (so its sends are stored in arrival order); never blocks.
     *
     * @param arrivedNanos {@link System#nanoTime()} when the frame arrived from the network
     */
    public void submit(Frame request, SendReply reply, long arrivedNanos) {
        process(new PendingSend(request, reply, arrivedNanos));
    }

    private void process(PendingSend send) {
        long waited = System.nanoTime() - send.arrivedNanos();
        boolean permit = false;
        try {
            if (!running) {
                throw new RequestException(ErrorCode.INTERNAL, "broker is shutting down");
            }
            if (waited > maxWaitNanos) {
                throw new RequestException(ErrorCode.BUSY, "send waited " + TimeUnit.NANOSECONDS.toMillis(waited)
                        + " ms behind its connection's earlier requests, over waitTimeMillsInSendQueue "
                        + TimeUnit.NANOSECONDS.toMillis(maxWaitNanos) + " ms; back off and retry");
            }
            if (!inFlight.tryAcquire()) {
                // Waiting for a permit would block a network thread: the client backs off instead.
                throw new RequestException(ErrorCode.BUSY, "maxInFlightSends " + inFlightPermits
                        + " sends already await their flush; back off and retry");
            }
            permit = true;
            HaService replication = ha;
            if (replication != null) {
                replication.checkWritable();    // a slave, or too few replicas in sync: refused before storing
            }
            CompletableFuture<Map<String, String>> answer = append(send);
            permit = false;
            answer.whenComplete((headers, failure) -> {
                inFlight.release();
                Throwable cause = failure instanceof CompletionException && failure.getCause() != null
                        ? failure.getCause() : failure;
                if (cause == null) {
                    send.reply().ok(headers);
                } else if (cause instanceof RequestException) {
                    send.reply().fail((RequestException) cause);
                } else {
                    LOG.error("send failed", cause);
                    send.reply().fail(new RequestException(ErrorCode.INTERNAL, "send failed: " + cause, cause));
                }
            });
        } catch (RequestException e) {
            send.reply().fail(e);
        } catch (IOException | RuntimeException e) {
            LOG.error("send failed", e);
            send.reply().fail(new RequestException(ErrorCode.INTERNAL, "send failed: " + e, e));
        } finally {
            if (permit) {
                inFlight.release();
            }
        }
    }

    /** Validates, stores, and completes with the answer's headers (or a RequestException). */
    private CompletableFuture<Map<String, String>> append(PendingSend send) throws IOException {
        Frame request = send.request();
        List<WireMessage> messages = decode(request);
        WireMessage first = messages.get(0);
        DestinationRef target = first.getDestination();
        if (target == null) {
            throw RequestException.notFound("the message has no destination");
        }
        for (WireMessage message : messages) {
            if (!target.equals(message.getDestination())) {
                throw RequestException.illegalState("all messages of a batch must have one destination, not "
                        + target + " and " + message.getDestination());
            }
        }
        // Before the destination is resolved: a refused send neither stores nor auto-creates anything.
        send.reply().authorizeSend(target);
        Destination destination = destinations.resolve(target.kind(), target.name());
        if (populateUserId) {
            String user = send.reply().user();
            for (WireMessage message : messages) {
                // The broker's word replaces the client's: a forged JMSXUserID never reaches a consumer.
                message.removeProperty(StoredForm.USER_ID);
                if (user != null) {
                    message.setProperty(StoredForm.USER_ID, user);
                }
            }
        }
        String messageId = first.getMessageId() == null ? "" : first.getMessageId();
        Transaction transaction = send.reply().transaction();
        String group = send.reply().producerGroup();
        if (group != null && (group.isEmpty() || transaction != null || messages.size() != 1)) {
            throw RequestException.illegalState("a transactional producer's message (producerGroup '" + group
                    + "') is sent alone with SEND, on a session that is not transacted, with a group name");
        }
        // A retried transacted send comes on a new connection, whose transaction starts empty: it is stored anew.
        // A half is not found by retry either: the client never retries one (the check-back decides a lost one).
        boolean dedup = indexEnabled && !messageId.isEmpty() && transaction == null && group == null;
        if (!dedup) {
            return store(send, messages, destination, messageId, transaction, false);
        }
        // Sends run on many threads now: a retry (on another connection, after a transport failure) must not
        // slip in between its original's append and the moment the original is remembered.
        synchronized (recent.lockFor(destination.storeName(), messageId)) {
            return store(send, messages, destination, messageId, transaction, true);
        }
    }

    /** Stores what {@link #append} validated; for a message id that may be a retry's, under its lock. */
    private CompletableFuture<Map<String, String>> store(PendingSend send, List<WireMessage> messages,
            Destination destination, String messageId, Transaction transaction, boolean dedup) throws IOException {
        Frame request = send.request();
        WireMessage first = messages.get(0);
        if (dedup && "true".equals(request.header("retry"))) {
            CompletableFuture<Map<String, String>> original = recent.answerOf(destination.storeName(), messageId);
            if (original != null) {
                return original;
            }
            StoredMessage stored = findStored(destination, messageId);
            if (stored != null) {
                return CompletableFuture.completedFuture(answer("SEND_OK", messageId, stored.partition(),
                        stored.queueOffset()));
            }
        }
        Object group = first.getProperty(StoredForm.GROUP_ID);
        // JMS (6.2.9) requires a session's messages to arrive in the order it sent them,
        // and order only holds within a partition: a session sticks to one partition.
        int partition = group != null ? destination.partitionOfGroup(group.toString())
                : destination.partitionOfSession(send.reply().connectionId() + '/' + request.header("sessionId"));
        String sender = destination.kind().isQueue() ? null : send.reply().connectionId();
        long now = clock.millis();
        List<MessageRecord> records = new ArrayList<>(messages.size());
        boolean firstDelayed = false;
        for (WireMessage message : messages) {
            // A delayed message waits in the timer destination and reaches its own when due.
            long due = delay.dueMillis(message, now);
            if (due > 0) {
                TimerForm.park(message, destination.storeName(), partition);
            }
            firstDelayed |= due > 0 && records.isEmpty();
            byte[] body = message.getBody();
            byte[] properties = StoredForm.encodeProperties(message, sender);
            long size = (long) properties.length + (body == null ? 0 : body.length);
            if (size > maxMessageSize) {
                throw new RequestException(ErrorCode.MESSAGE_TOO_LARGE, "message of " + size
                        + " bytes (body + headers and properties) exceeds maxMessageSize " + maxMessageSize);
            }
            MessageRecord record = StoredForm.toRecord(destination.storeName(), partition, message, properties, body, now);
            records.add(due > 0 ? TimerForm.timerRecord(record, due) : record);
        }
        if (transaction != null || send.reply().producerGroup() != null) {
            // Invisible until COMMIT: each message waits as a half record (protocol/README.md, "Transactions").
            // A delayed one's half holds its timer record, so the commit hands it to the timer.
            records.replaceAll(HalfRecords::toHalf);
        }
        if (send.reply().producerGroup() != null) {
            return producerHalf(send.reply(), records, messageId, partition, destination.storeName(),
                    CheckImmunity.millis(first));
        }
        // A half or a delayed message has no offset in its destination yet.
        boolean answerNoOffset = transaction != null || firstDelayed;
        CompletableFuture<AppendResult> append;
        if (transaction != null) {
            // A half is answered once written, not forced: it promises nothing (no consumer can see it, and
            // without a durable COMMIT record it is never delivered), and the COMMIT record's force covers
            // every byte of the log before it, whatever the segment. So a transaction costs one force, at
            // COMMIT, instead of one per send. A half that could not be written is answered with its error
            // and is not part of the transaction.
            append = store.appendBatchWrittenAsync(records).thenApply(result -> {
                transaction.stored(result.records());
                return result;
            });
        } else if (commitOnIoThread && send.reply().commitAfterReadBatch(store::commitWaiting)) {
            append = store.appendBatchCommittedByCallerAsync(records);
        } else {
            append = store.appendBatchAsync(records);
        }
        CompletableFuture<Map<String, String>> answer = append.thenCompose(result -> {
            String status = SendStatusMapper.status(result);
            if (status == null) {
                throw SendStatusMapper.error(result);
            }
            Map<String, String> headers = answer(status, messageId, partition,
                    answerNoOffset ? -1 : result.queueOffset());
            if (transaction != null) {
                // Nobody reads the halves' queue: no need to wait until it is dispatched (which, under
                // SYNC_FLUSH, only happens once a force covers it).
                return CompletableFuture.completedFuture(headers);
            }
            if (!result.ok()) {
                // FLUSH_DISK_TIMEOUT: stored but not forced, so not dispatched yet either; say so now.
                return CompletableFuture.completedFuture(headers);
            }
            HaService replication = ha;
            if (replication != null) {
                return replicated(replication, result.endOffset(), headers);
            }
            // SEND_OK once consumers and browsers can see the message, not merely once it is on disk.
            return dispatchGate.whenDispatched(result.endOffset()).thenApply(visible -> headers);
        });
        if (dedup) {
            recent.add(destination.storeName(), messageId, append, answer);
        }
        return answer;
    }

    /**
     * A transactional producer's half: written, then made durable with its PREPARE record (one force), and answered
     * with its transaction id. Under SYNC_FLUSH the half survives a crash before the producer's local transaction
     * starts; nothing is visible before its commit.
     */
    private CompletableFuture<Map<String, String>> producerHalf(SendReply reply, List<MessageRecord> half,
            String messageId, int partition, String destination, long immunityMillis) {
        return store.appendBatchWrittenAsync(half).thenCompose(result -> {
            if (result.records().isEmpty()) {
                throw SendStatusMapper.error(result);
            }
            return reply.prepared(result, immunityMillis, destination);
        }).thenCompose(prepared -> replicationShortfall(prepared.prepareEndOffset()).thenApply(shortfall -> {
            // A SYNC_MASTER's status covers the half and its PREPARE (the half ends before the PREPARE record).
            Map<String, String> headers = answer(shortfall == null ? "SEND_OK" : shortfall, messageId, partition, -1);
            headers.put("transactionId", prepared.txId());
            return headers;
        }));
    }

    /**
     * A master's answer to a forced send: a SYNC_MASTER's is the replication status (SEND_OK visible to consumers,
     * else FLUSH_SLAVE_TIMEOUT or SLAVE_NOT_AVAILABLE at once); an ASYNC_MASTER answers after its own flush, and
     * does not wait for visibility while an in-sync slave holds it back (that slave's acknowledgement).
     */
    private CompletableFuture<Map<String, String>> replicated(HaService replication, long end,
                                                              Map<String, String> headers) {
        CompletableFuture<String> status = replication.awaitReplicated(end);
        if (status == null) {
            return replication.limitsVisibility() ? CompletableFuture.completedFuture(headers)
                    : dispatchGate.whenDispatched(end).thenApply(visible -> headers);
        }
        return status.thenCompose(replicated -> {
            headers.put("status", replicated);
            return "SEND_OK".equals(replicated) ? dispatchGate.whenDispatched(end).thenApply(visible -> headers)
                    : CompletableFuture.completedFuture(headers);
        });
    }

    /**
     * What a transaction's decision waits for on this broker ({@link io.keelmq.server.tx.ReplicationWait}): on a
     * SYNC_MASTER the in-sync slaves' confirmation up to {@code endOffset}, completing with null on SEND_OK or with the
     * status that says otherwise; at once with null on any other broker.
     */
    public CompletableFuture<String> replicationShortfall(long endOffset) {
        HaService replication = ha;
        CompletableFuture<String> status = replication == null ? null : replication.awaitReplicated(endOffset);
        if (status == null) {
            return CompletableFuture.completedFuture(null);
        }
        return status.thenApply(replicated -> "SEND_OK".equals(replicated) ? null : replicated);
    }

    /** Completes once the commit log up to {@code endOffset} is in the consume queues and index. */
    public CompletableFuture<Void> whenDispatched(long endOffset) {
        return dispatchGate.whenDispatched(endOffset);
    }

    private List<WireMessage> decode(Frame request) {
        try {
            if (request.code() == RequestCode.SEND.code()) {
                return List.of(WireMessageCodec.decode(request.body(), propertyLimits));
            }
            WireReader in = new WireReader(Unpooled.wrappedBuffer(request.body()), "message batch");
            int count = in.readCount("batch count");
            if (count == 0) {
                throw in.malformed("a batch holds at least one message");
            }
            List<WireMessage> messages = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                messages.add(WireMessageCodec.decode(in.readBytes(in.readInt("message length"), "message"),
                        propertyLimits));
            }
            if (in.remaining() != 0) {
                throw in.malformed(in.remaining() + " bytes after the last message");
            }
            return messages;
        } catch (ProtocolException e) {
            throw new RequestException(e.errorCode(), e.getMessage(), e);
        }
    }

    /** A retried send already stored: the same id on the same destination. */
    private StoredMessage findStored(Destination destination, String messageId) throws IOException {
        for (StoredMessage stored : store.queryByMessageId(messageId, 0, Long.MAX_VALUE)) {
            if (stored.destination().equals(destination.storeName()) || stored.destination().equals(TimerForm.DESTINATION)) {
                return stored;
            }
        }
        return null;
    }

    private static Map<String, String> answer(String status, String messageId, int partition, long queueOffset) {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("status", status);
        headers.put("messageId", messageId);
        headers.put("partition", Integer.toString(partition));
        headers.put("queueOffset", Long.toString(queueOffset));
        return headers;
    }

    /**
     * Stops taking sends (later ones are answered INTERNAL) and waits (up to {@code maxWaitMillis})
     * for appends awaiting their flush, so the store closes with nothing half-answered.
     */
    public void stop(long maxWaitMillis) throws InterruptedException {
        running = false;
        if (inFlight.tryAcquire(inFlightPermits, maxWaitMillis, TimeUnit.MILLISECONDS)) {
            inFlight.release(inFlightPermits);
        } else {
            LOG.warn("{} sends still awaiting their flush at shutdown", inFlightPermits - inFlight.availablePermits());
        }
    }
}
