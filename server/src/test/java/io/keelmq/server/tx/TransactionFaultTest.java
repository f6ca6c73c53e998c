package io.keelmq.server.tx;

import io.keelmq.protocol.frame.ErrorCode;
import io.keelmq.protocol.message.DestinationRef;
import io.keelmq.server.destination.DestinationRegistry;
import io.keelmq.server.errors.RequestException;
import io.keelmq.server.testing.TestBrokers;
import io.keelmq.store.AppendResult;
import io.keelmq.store.AppendStatus;
import io.keelmq.store.MessageRecord;
import io.keelmq.store.MessageStore;
import io.keelmq.store.StoredMessage;
import io.keelmq.store.TxState;
import io.keelmq.store.io.ChannelFileLayer;
import io.keelmq.store.io.ForwardingFileLayer;
import io.keelmq.store.io.StoreFile;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The failure paths of a commit whose halves were answered once written and whose decision and messages
 * share one force: the transaction service on a store whose commit-log writes fail on demand.
 */
class TransactionFaultTest {
    @TempDir
    Path dir;
    private final FaultyLayer layer = new FaultyLayer();
    private MessageStore store;
    private DestinationRegistry destinations;
    private TransactionService transactions;

    @AfterEach
    void close() throws IOException {
        if (store != null) {
            store.close();
        }
    }

    private void open() throws IOException {
        // No prefill: the layer counts and fails commit-log writes and forces, and the prefiller's zeros would count.
        store = MessageStore.open(TestBrokers.config(dir).build().toStoreConfig().commitLogPrefill(false), layer,
                Clock.systemUTC());
        destinations = new DestinationRegistry(store.config().configDir(), 1, List.of(), true);
        destinations.load();
        transactions = new TransactionService(store, new Materializer(store, destinations, this::whenDispatched),
                Clock.systemUTC());
    }

    private void restart() throws IOException {
        store.close();
        store = null;
        open();
    }

    private CompletableFuture<Void> whenDispatched(long end) {
        return CompletableFuture.runAsync(() -> {
            while (store.dispatchedOffset() < end) {
                Thread.onSpinWait();
            }
        });
    }

    /** A transacted send as the send path stores it: a half, answered once written. */
    private void send(Transaction tx, String queue, String text) {
        String storeName = destinations.resolve(DestinationRef.Kind.QUEUE, queue).storeName();
        MessageRecord real = new MessageRecord(storeName, 0, 0, System.currentTimeMillis(), 0, TxState.NONE,
                "id-" + text, "", new byte[0], text.getBytes(StandardCharsets.UTF_8));
        AppendResult half = store.appendBatchWrittenAsync(List.of(HalfRecords.toHalf(real))).join();
        assertEquals(AppendStatus.PUT_OK, half.status());
        tx.stored(half.records());
    }

    private List<String> texts(String queue) throws IOException {
        String storeName = destinations.resolve(DestinationRef.Kind.QUEUE, queue).storeName();
        List<String> texts = new ArrayList<>();
        for (StoredMessage message : store.readQueue(storeName, 0, 0, 100)) {
            texts.add(new String(message.body(), StandardCharsets.UTF_8));
        }
        return texts;
    }

    private static RequestException failure(CompletableFuture<?> commit) throws InterruptedException {
        ExecutionException e = assertThrows(ExecutionException.class, () -> commit.get(10, TimeUnit.SECONDS));
        Throwable cause = e.getCause() instanceof CompletionException ? e.getCause().getCause() : e.getCause();
        return assertInstanceOf(RequestException.class, cause);
    }

    @Test
    void halvesAreAnsweredWithoutAForceAndTheCommitForcesThemWithItsMessages() throws Exception {
        open();
        Transaction tx = transactions.begin();
        long forcesBefore = layer.commitLogForces.get();
        send(tx, "a", "a0");
        send(tx, "a", "a1");
        assertEquals(forcesBefore, layer.commitLogForces.get(), "a half is not forced by itself");

        transactions.commit(tx).get(10, TimeUnit.SECONDS);
        assertEquals(store.commitLogMaxOffset(), store.commitLogFlushedOffset(),
                "halves, decision and messages are durable once committed");
        assertEquals(List.of("a0", "a1"), texts("a"), "visible once COMMIT is answered");
        transactions.done(tx);
    }

    @Test
    void aCommitWhoseDecisionCannotBeWrittenIsRolledBack() throws Exception {
        open();
        Transaction tx = transactions.begin();
        send(tx, "a", "a0");
        send(tx, "a", "a1");
        layer.failCommitLogWritesAfter(0);
        RequestException e = failure(transactions.commit(tx));
        layer.failCommitLogWritesAfter(-1);
        assertEquals(ErrorCode.TRANSACTION_ROLLED_BACK, e.errorCode(), e.getMessage());
        assertEquals(0, transactions.liveCount(), "its halves are no longer kept");
        assertEquals(List.of(), texts("a"));

        restart();
        assertEquals(0, transactions.recover(), "no decision was stored");
        assertEquals(List.of(), texts("a"));
    }

    @Test
    void aCommitWhoseMessagesCannotBeWrittenIsCompletedAtTheNextStart() throws Exception {
        open();
        Transaction tx = transactions.begin();
        send(tx, "a", "a0");
        send(tx, "b", "b0");
        send(tx, "a", "a1");
        layer.failCommitLogWritesAfter(1);          // the decision is written, its messages are not
        RequestException e = failure(transactions.commit(tx));
        layer.failCommitLogWritesAfter(-1);
        assertEquals(ErrorCode.INTERNAL, e.errorCode(), "the decision was made durable: committed, not rolled back");
        assertTrue(e.getMessage().contains("is committed"), e.getMessage());
        assertEquals(List.of(), texts("a"));
        assertEquals(1, transactions.liveCount(), "its halves are kept until it is carried out");

        restart();
        assertEquals(1, transactions.recover());
        assertEquals(List.of("a0", "a1"), texts("a"));
        assertEquals(List.of("b0"), texts("b"));
        restart();
        assertEquals(0, transactions.recover(), "DONE was written");
    }

    /** The real file system, with commit-log writes that fail on demand and a count of commit-log forces. */
    private static final class FaultyLayer extends ForwardingFileLayer {
        /** Commit-log writes still allowed before they fail; negative: never fail. */
        private final AtomicInteger writesLeft = new AtomicInteger(-1);
        final AtomicLong commitLogForces = new AtomicLong();

        FaultyLayer() {
            super(ChannelFileLayer.INSTANCE);
        }

        void failCommitLogWritesAfter(int writes) {
            writesLeft.set(writes);
        }

        private static boolean isCommitLog(Path path) {
            return path.getParent() != null && path.getParent().getFileName().toString().equals("commitlog");
        }

        @Override
        public StoreFile open(Path path) throws IOException {
            StoreFile file = delegate.open(path);
            if (!isCommitLog(path)) {
                return file;
            }
            return new Forwarding(file) {
                @Override
                public void write(ByteBuffer src, long position) throws IOException {
                    if (writesLeft.get() >= 0 && writesLeft.getAndDecrement() <= 0) {
                        throw new IOException("simulated commit-log write failure");
                    }
                    file.write(src, position);
                }

                @Override
                public void force() throws IOException {
                    commitLogForces.incrementAndGet();
                    file.force();
                }
            };
        }
    }
}
