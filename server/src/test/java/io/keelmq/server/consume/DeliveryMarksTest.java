package io.keelmq.server.consume;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The "delivered up to" marks file, reserved synchronously and ahead in the background. */
class DeliveryMarksTest {
    @TempDir
    Path dir;

    @Test
    void aReservationAheadIsOnDiskWhenItsCallbackSaysSo() throws Exception {
        DeliveryMarks marks = new DeliveryMarks(dir);
        marks.reserve("orders", 2, 1_000);
        assertTrue(reserveAhead(marks, "orders", 2, 2_000));
        assertEquals(2_000, reread().mark("orders", 2));
        marks.close();
    }

    @Test
    void aReservationAheadNeverLowersAMark() throws Exception {
        DeliveryMarks marks = new DeliveryMarks(dir);
        marks.reserve("orders", 0, 3_000);
        // A background reservation that finishes after a synchronous one reserved further.
        assertTrue(reserveAhead(marks, "orders", 0, 2_000));
        assertEquals(3_000, marks.mark("orders", 0));
        assertEquals(3_000, reread().mark("orders", 0));
        marks.reserve("orders", 0, 2_500);
        assertEquals(3_000, reread().mark("orders", 0));
        marks.close();
    }

    @Test
    void aForgottenSubscriptionIsNotBroughtBack() throws Exception {
        DeliveryMarks marks = new DeliveryMarks(dir);
        marks.reserve("gone", 0, 1_000);
        marks.forget("gone");
        assertFalse(reserveAhead(marks, "gone", 0, 2_000));
        assertEquals(0, reread().mark("gone", 0));
        marks.close();
    }

    @Test
    void afterCloseReservationsAheadAreRefusedAndSynchronousOnesStillWork() throws Exception {
        DeliveryMarks marks = new DeliveryMarks(dir);
        marks.reserve("orders", 1, 1_000);
        assertTrue(reserveAhead(marks, "orders", 1, 2_000));
        marks.close();
        assertFalse(reserveAhead(marks, "orders", 1, 3_000));
        marks.reserve("orders", 1, 4_000);
        assertEquals(4_000, reread().mark("orders", 1));
    }

    private static boolean reserveAhead(DeliveryMarks marks, String subscription, int partition, long mark)
            throws Exception {
        CompletableFuture<Boolean> written = new CompletableFuture<>();
        marks.reserveAhead(subscription, partition, mark, written::complete);
        return written.get(10, TimeUnit.SECONDS);
    }

    private DeliveryMarks reread() throws Exception {
        DeliveryMarks fresh = new DeliveryMarks(dir);
        fresh.load();
        return fresh;
    }
}
