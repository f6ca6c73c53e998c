package io.keelmq.server.send;

import org.junit.jupiter.api.Test;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DispatchGateTest {
    private final AtomicLong dispatched = new AtomicLong(100);
    private final DispatchGate gate = new DispatchGate(dispatched::get);

    @Test
    void anAnswerWaitsUntilItsRecordsAreDispatched() {
        assertTrue(gate.whenDispatched(100).isDone(), "already dispatched: at once");
        CompletableFuture<Void> near = gate.whenDispatched(150);
        CompletableFuture<Void> far = gate.whenDispatched(300);
        assertFalse(near.isDone());
        dispatched.set(200);
        gate.dispatched();
        assertTrue(near.isDone(), "passed by the dispatcher");
        assertFalse(far.isDone(), "not yet");
        dispatched.set(300);
        gate.dispatched();
        assertTrue(far.isDone());
    }
}
