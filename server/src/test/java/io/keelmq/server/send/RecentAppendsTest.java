package io.keelmq.server.send;

import io.keelmq.store.AppendResult;
import io.keelmq.store.AppendStatus;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

class RecentAppendsTest {
    private final AtomicLong dispatched = new AtomicLong();
    private final RecentAppends recent = new RecentAppends(dispatched::get);

    @Test
    void aRetryOfAnAppendNotYetDispatchedGetsTheOriginalsAnswer() {
        CompletableFuture<AppendResult> append = new CompletableFuture<>();
        CompletableFuture<Map<String, String>> answer = new CompletableFuture<>();
        recent.add("queue/q", "ID:1", append, answer);
        assertSame(answer, recent.answerOf("queue/q", "ID:1"), "pending: awaiting its flush");
        assertNull(recent.answerOf("queue/other", "ID:1"), "another destination's message");

        append.complete(stored(100, 50));
        answer.complete(Map.of("status", "SEND_OK"));
        assertSame(answer, recent.answerOf("queue/q", "ID:1"), "flushed, not yet in the index");
        dispatched.set(150);
        assertNull(recent.answerOf("queue/q", "ID:1"), "dispatched: the index answers from now on");
    }

    @Test
    void anAppendThatStoredNothingIsNotAnOriginal() {
        CompletableFuture<AppendResult> append = new CompletableFuture<>();
        CompletableFuture<Map<String, String>> answer = new CompletableFuture<>();
        recent.add("queue/q", "ID:2", append, answer);
        append.complete(AppendResult.failed(AppendStatus.DISK_FULL, "full"));
        answer.completeExceptionally(new IllegalStateException("disk full"));
        assertNull(recent.answerOf("queue/q", "ID:2"));
    }

    private static AppendResult stored(long physicalOffset, int size) {
        return new AppendResult(AppendStatus.PUT_OK,
                List.of(new AppendResult.AppendedRecord(physicalOffset, size, 0, 0)), null);
    }
}
