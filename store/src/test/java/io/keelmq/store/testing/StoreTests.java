package io.keelmq.store.testing;

import io.keelmq.store.MessageStore;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Waits used by store tests. */
public final class StoreTests {
    private StoreTests() {
    }

    /** Waits until every appended record is visible in the consume queues. */
    public static void awaitDispatched(MessageStore store) throws InterruptedException {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (store.dispatchedOffset() < store.commitLogMaxOffset() && System.nanoTime() < deadline) {
            Thread.sleep(2);
        }
        assertEquals(store.commitLogMaxOffset(), store.dispatchedOffset(), "dispatcher did not catch up");
    }
}
