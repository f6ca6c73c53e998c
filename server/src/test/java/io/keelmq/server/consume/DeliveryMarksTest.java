package io.keelmq.server.consume;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DeliveryMarksTest {
    @TempDir
    Path dir;

    @Test
    void aReservationNeverLowersTheMark() throws Exception {
        DeliveryMarks marks = new DeliveryMarks(dir);
        marks.reserve("q", 0, 20);
        // A reservation made ahead can finish after a later on-demand one.
        marks.reserve("q", 0, 15);
        assertEquals(20, marks.mark("q", 0));
        DeliveryMarks reread = new DeliveryMarks(dir);
        reread.load();
        assertEquals(20, reread.markAtStartup("q", 0));
    }

    @Test
    void aReservationAheadForAForgottenSubscriptionWritesNothing() throws Exception {
        DeliveryMarks marks = new DeliveryMarks(dir);
        marks.reserve("q", 0, 10);
        assertTrue(marks.reserveAhead("q", 0, 20));
        assertEquals(20, marks.mark("q", 0));
        marks.forget("q");
        assertFalse(marks.reserveAhead("q", 0, 30));
        DeliveryMarks reread = new DeliveryMarks(dir);
        reread.load();
        assertEquals(0, reread.markAtStartup("q", 0));
    }
}
