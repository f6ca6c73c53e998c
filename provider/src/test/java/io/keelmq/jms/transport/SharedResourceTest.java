package io.keelmq.jms.transport;

import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SharedResourceTest {
    /** An instance whose "threads" end as soon as it is shut down, unless told to linger. */
    private static final class Instance {
        volatile boolean terminated;
    }

    @Test
    void instancesWhoseThreadsEndedAreNotKeptAcrossManyConnectionCycles() {
        AtomicInteger created = new AtomicInteger();
        SharedResource<Instance> resource = SharedResource.of("test-cycles", SharedResource.lifecycle(() -> {
            created.incrementAndGet();
            return new Instance();
        }, instance -> instance.terminated = true, (instance, millis) -> instance.terminated));
        for (int i = 0; i < 10_000; i++) {
            Instance used = resource.acquire();
            resource.release(used);
        }
        assertEquals(10_000, created.get(), "each cycle's last release shuts the instance down");
        assertTrue(resource.stoppingCount() <= 1, resource.stoppingCount() + " shut-down instances still held");
    }

    @Test
    void anInstanceStillTerminatingIsKeptForAwaitAllReleased() throws Exception {
        Instance lingering = new Instance();
        SharedResource<Instance> resource = SharedResource.of("test-lingering", SharedResource.lifecycle(
                () -> lingering, instance -> { }, (instance, millis) -> instance.terminated));
        Instance used = resource.acquire();
        resource.release(used);
        assertEquals(1, resource.stoppingCount(), "its threads have not ended yet");
        lingering.terminated = true;
        Instance next = resource.acquire();
        resource.release(next);
        assertEquals(0, resource.stoppingCount());
        assertNotSame(null, next);
    }
}
