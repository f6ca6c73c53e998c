package io.keelmq.store.dispatch;

import io.keelmq.store.queue.ConsumeQueueTable;
import io.keelmq.store.testing.SimulatedFileLayer;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The dispatcher's own thread when another thread dispatches (SYNC_FLUSH): a fallback that leaves nothing behind. */
class DispatcherTest {

    private static DispatchRequest record(long queueOffset) {
        return new DispatchRequest("q", 0, queueOffset, queueOffset * 100, 100, 0, 1_700_000_000_000L, "", List.of());
    }

    @Test
    void asTheFallbackItDispatchesConfirmedRecordsThatNobodyElseDid() throws Exception {
        ConsumeQueueTable queues = new ConsumeQueueTable(Path.of("/sim/dispatch/cq"), 32, new SimulatedFileLayer());
        AtomicLong confirmed = new AtomicLong();
        Dispatcher dispatcher = new Dispatcher(queues, null, confirmed::get, 0);
        dispatcher.dispatchedElsewhere();
        dispatcher.start();
        try {
            for (long i = 0; i < 3; i++) {
                dispatcher.submit(record(i));
            }
            confirmed.set(300);                  // confirmed, but the group commit never calls dispatchConfirmed
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (dispatcher.dispatchedOffset() < 300 && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            assertEquals(300, dispatcher.dispatchedOffset(), "left behind by the group commit, taken by the fallback");
            assertTrue(queues.find("q", 0) != null, "the records are in their consume queue");
            assertEquals(3, queues.find("q", 0).maxOffset());
        } finally {
            dispatcher.shutdown();
        }
    }

    @Test
    void theGroupCommitsDispatchIsVisibleAtOnceAndAnnouncedOnlyWhenItSays() throws Exception {
        ConsumeQueueTable queues = new ConsumeQueueTable(Path.of("/sim/dispatch/announce"), 32,
                new SimulatedFileLayer());
        AtomicLong confirmed = new AtomicLong();
        Dispatcher dispatcher = new Dispatcher(queues, null, confirmed::get, 0);
        List<Long> announced = new java.util.concurrent.CopyOnWriteArrayList<>();
        dispatcher.addListener((destination, partition, maxOffset) -> announced.add(maxOffset));
        dispatcher.dispatchedElsewhere();   // its thread is not started: only the calls below dispatch
        for (long i = 0; i < 3; i++) {
            dispatcher.submit(record(i));
        }
        confirmed.set(200);
        dispatcher.dispatchConfirmedUnannounced();
        assertEquals(200, dispatcher.dispatchedOffset(), "visible before the sends are answered");
        assertEquals(List.of(), announced, "told only after the sends are answered");
        confirmed.set(300);
        dispatcher.dispatchConfirmedUnannounced();
        dispatcher.announceArrivals();
        assertEquals(List.of(3L), announced, "one notice per queue, with its newest max offset");
        dispatcher.announceArrivals();
        assertEquals(List.of(3L), announced, "nothing new: nothing told");
        dispatcher.submit(record(3));
        confirmed.set(400);
        dispatcher.dispatchConfirmed();
        assertEquals(List.of(3L, 4L), announced, "any other dispatch tells at once");
    }
}
