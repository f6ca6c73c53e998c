package io.keelmq.store.timer;

import io.keelmq.store.AppendResult;
import io.keelmq.store.AppendStatus;
import io.keelmq.store.MessageRecord;
import io.keelmq.store.MessageStore;
import io.keelmq.store.StoredMessage;
import io.keelmq.store.io.FileLayer;
import io.keelmq.store.testing.MutableClock;
import io.keelmq.store.testing.Records;
import io.keelmq.store.testing.SimulatedFileLayer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import static io.keelmq.store.testing.StoreTests.awaitDispatched;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The timer wheel and log on a simulated disk, driven by hand ({@link MessageTimer#step()}) with a
 * clock the test moves: what is delivered when, across a clean close and across a power loss.
 * The delivery handler does what the broker's does: it appends the record to a real destination,
 * and when told the record may have been delivered already, looks its id up in the index first.
 */
class MessageTimerTest {
    private static final String TIMER = "system/timer";
    private static final String REAL = "real";
    private static final long T0 = 1_700_000_000_000L;
    /** 1 s slots, an 8 s window: anything due later than 8 s ahead rolls. */
    private static final TimerConfig CONFIG = new TimerConfig(TIMER, 1_000, 8, TimerEntry.SIZE * 64);

    private final Path dir = Path.of("/sim/timer");
    private final MutableClock clock = new MutableClock(T0);
    private SimulatedFileLayer layer = new SimulatedFileLayer(clock::millis);
    private MessageStore store;
    private MessageTimer timer;
    private final List<String> maybeDeliveredChecks = new ArrayList<>();

    @AfterEach
    void close() throws IOException {
        if (timer != null) {
            timer.close();
        }
        if (store != null) {
            store.close();
        }
    }

    private void open(FileLayer fileLayer) throws IOException {
        store = MessageStore.open(Records.smallStore(dir), fileLayer, clock);
        timer = MessageTimer.open(store, fileLayer, clock, CONFIG, this::deliver);
    }

    private CompletableFuture<?> deliver(long offset, int size, boolean maybeDelivered) {
        try {
            StoredMessage delayed = store.read(offset);
            if (maybeDelivered) {
                maybeDeliveredChecks.add(Records.nameOf(delayed.body()));
                for (StoredMessage found : store.queryByMessageId(delayed.messageId(), 0, Long.MAX_VALUE)) {
                    if (found.destination().equals(REAL)) {
                        return CompletableFuture.completedFuture(null);
                    }
                }
            }
            return store.appendAsync(MessageRecord.builder(REAL).messageId(delayed.messageId())
                    .body(delayed.body()).build()).thenAccept(result -> {
                        if (!result.ok()) {
                            throw new IllegalStateException("append failed: " + result.status());
                        }
                    });
        } catch (IOException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /** Stores a delayed record the way the broker does: in the timer destination, due time as tag hash. */
    private long delay(String name, long dueMillis) throws Exception {
        AppendResult result = store.append(MessageRecord.builder(TIMER).messageId("id-" + name)
                .tagHash(dueMillis).body(Records.body(name, 64)).build());
        assertEquals(AppendStatus.PUT_OK, result.status());
        awaitDispatched(store);
        return result.physicalOffset();
    }

    /** Names delivered to the real destination, in order. */
    private List<String> delivered() throws Exception {
        awaitDispatched(store);
        List<String> names = new ArrayList<>();
        List<StoredMessage> read;
        for (long offset = 0; !(read = store.readQueue(REAL, 0, offset, 1_000)).isEmpty(); offset += read.size()) {
            for (StoredMessage message : read) {
                names.add(Records.nameOf(message.body()));
            }
        }
        return names;
    }

    /** Moves the clock to {@code millis} after T0 and lets the timer run as its thread would. */
    private void at(long millis) throws Exception {
        clock.set(T0 + millis);
        timer.step();
    }

    @Test
    void aRecordIsDeliveredOnceDueAndNotBefore() throws Exception {
        open(layer);
        delay("a", T0 + 500);
        delay("b", T0 + 1_500);
        delay("c", T0 + 3_000);
        at(0);
        assertEquals(List.of(), delivered());
        at(499);
        assertEquals(List.of(), delivered());
        at(500);
        assertEquals(List.of("a"), delivered());
        at(2_999);
        assertEquals(List.of("a", "b"), delivered());
        at(3_000);
        at(10_000);
        assertEquals(List.of("a", "b", "c"), delivered());
    }

    @Test
    void aRecordDueAlreadyIsDeliveredAtOnceAndTheDueOrderIsKeptWithinASlot() throws Exception {
        open(layer);
        at(2_000);
        delay("late", T0 + 1_000);
        delay("second", T0 + 2_900);
        delay("first", T0 + 2_100);
        at(2_000);
        assertEquals(List.of("late"), delivered());
        at(3_000);
        assertEquals(List.of("late", "first", "second"), delivered());
    }

    @Test
    void aRecordDueBeyondTheWindowRollsUntilItIsDue() throws Exception {
        open(layer);
        delay("far", T0 + 20_500);
        for (long t = 0; t < 20_500; t += 250) {
            at(t);
            assertEquals(List.of(), delivered(), "delivered early, at " + t);
        }
        assertTrue(timer.timerLogBytes() > TimerEntry.SIZE, "parked in the window's last slot and re-added");
        at(20_500);
        assertEquals(List.of("far"), delivered());
    }

    @Test
    void aCleanCloseKeepsWheelAndLogAndNothingIsDeliveredTwice() throws Exception {
        open(layer);
        delay("one", T0 + 1_000);
        delay("two", T0 + 5_000);
        delay("three", T0 + 30_000);
        at(1_000);
        assertEquals(List.of("one"), delivered());
        long logBytes = timer.timerLogBytes();
        timer.close();
        store.close();
        open(layer);
        assertEquals(logBytes, timer.timerLogBytes(), "the wheel and log were trusted, not rebuilt");
        at(4_999);
        assertEquals(List.of("one"), delivered());
        at(5_000);
        at(29_999);
        assertEquals(List.of("one", "two"), delivered());
        at(30_000);
        assertEquals(List.of("one", "two", "three"), delivered());
        // Closed while the slot of 1 s was still open: only its record is looked up before delivery.
        assertEquals(List.of("one"), maybeDeliveredChecks);
    }

    @Test
    void afterAPowerLossTheWheelIsRebuiltAndEveryRecordIsDeliveredExactlyOnce() throws Exception {
        open(layer);
        delay("early", T0 + 1_000);
        delay("same-slot-1", T0 + 2_100);
        delay("same-slot-2", T0 + 2_900);
        delay("later", T0 + 6_000);
        delay("far", T0 + 25_000);
        at(1_000);
        at(2_500);                              // the slot of 2 s is delivered in part
        assertEquals(List.of("early", "same-slot-1"), delivered());

        SimulatedFileLayer survivor = layer.powerLoss();
        timer = null;
        store = null;                            // the dead machine's objects are dropped, not closed
        layer = survivor;
        open(layer);
        assertTrue(timer.timerLogBytes() > 0, "the wheel was rebuilt from the timer destination");
        at(2_900);
        assertEquals(List.of("early", "same-slot-1", "same-slot-2"), delivered());
        assertTrue(maybeDeliveredChecks.contains("same-slot-1"), "the interrupted slot is checked, not redone");
        at(5_999);
        at(6_000);
        assertEquals(List.of("early", "same-slot-1", "same-slot-2", "later"), delivered());
        for (long t = 6_000; t <= 25_000; t += 500) {
            at(t);
        }
        assertEquals(List.of("early", "same-slot-1", "same-slot-2", "later", "far"), delivered());
    }

    @Test
    void changedWheelSettingsRebuildTheWheelAndLoseNothing() throws Exception {
        open(layer);
        delay("soon", T0 + 3_000);
        delay("far", T0 + 30_000);
        at(0);
        timer.close();
        store.close();
        store = MessageStore.open(Records.smallStore(dir), layer, clock);
        timer = MessageTimer.open(store, layer, clock, new TimerConfig(TIMER, 500, 16, TimerEntry.SIZE * 64),
                this::deliver);
        at(2_999);
        assertEquals(List.of(), delivered());
        at(3_000);
        assertEquals(List.of("soon"), delivered());
        for (long t = 3_000; t < 30_000; t += 500) {
            at(t);
        }
        assertEquals(List.of("soon"), delivered());
        at(30_000);
        assertEquals(List.of("soon", "far"), delivered());
    }

    @Test
    void recordsDueWhileTheBrokerWasDownAreDeliveredRightAfterTheRestart() throws Exception {
        open(layer);
        delay("a", T0 + 2_000);
        delay("b", T0 + 3_000);
        at(0);
        timer.close();
        store.close();
        clock.set(T0 + 60_000);
        open(layer);
        at(60_000);
        assertEquals(List.of("a", "b"), delivered());
    }

    @Test
    void pendingRecordsCostFileSpaceNotHeapAndRetentionKeepsThem() throws Exception {
        open(layer);
        int count = 2_000;
        long lowest = Long.MAX_VALUE;
        for (int i = 0; i < count; i += 100) {
            List<MessageRecord> batch = new ArrayList<>();
            for (int j = i; j < i + 100; j++) {
                batch.add(MessageRecord.builder(TIMER).messageId("id-" + j).tagHash(T0 + 3_000 + j % 4_000)
                        .body(Records.body("m" + j, 16)).build());
            }
            AppendResult result = store.appendBatch(batch);
            lowest = Math.min(lowest, result.physicalOffset());
        }
        awaitDispatched(store);
        at(0);
        timer.refreshLiveRangeNow();
        assertEquals(count, timer.pendingEntries());
        assertEquals((long) count * TimerEntry.SIZE, timer.timerLogBytes(), "one fixed-size log entry per record");
        assertTrue(timer.wheelFileBytes() <= (long) CONFIG.wheelSlots() * TimerSlot.SIZE,
                "the wheel's size is fixed by its slot count, whatever the number of records");
        assertTrue(timer.timerLogFiles() > 1, "the log rolls over into new files");
        assertEquals(lowest, timer.minRequiredPhysicalOffset(), "retention keeps the oldest pending record");

        at(3_000);
        at(4_000);
        at(5_000);
        at(6_000);
        at(7_000);
        assertEquals(count, delivered().size());
        timer.refreshLiveRangeNow();
        assertEquals(0, timer.pendingEntries());
        assertEquals(Long.MAX_VALUE, timer.minRequiredPhysicalOffset());
        assertEquals(1, timer.timerLogFiles(), "log files no live slot needs are deleted");
    }
}
