package io.keelmq.store.timer;

/**
 * One slot of the timer wheel: the entries due within one precision step, as a list threaded
 * backwards through the timer log (from {@code lastPosition} along each entry's previous position).
 *
 * @param slotMillis         start of the step the slot holds now (epoch ms); a slot whose time is not
 *                           the one asked for is empty (a stale slot of an earlier turn of the wheel)
 * @param firstPosition      timer-log position of the slot's oldest entry (the lowest position it needs)
 * @param lastPosition       timer-log position of the slot's newest entry, where a scan starts
 * @param minCommitLogOffset lowest commit-log offset among the slot's entries (what retention must keep)
 * @param count              entries in the slot
 */
public record TimerSlot(long slotMillis, long firstPosition, long lastPosition, long minCommitLogOffset, int count) {
    /** Bytes of a slot on disk. */
    public static final int SIZE = 40;

    static TimerSlot empty(long slotMillis) {
        return new TimerSlot(slotMillis, -1, -1, Long.MAX_VALUE, 0);
    }

    /** Whether this slot holds entries for {@code slotMillis} (and not for another turn of the wheel). */
    boolean holds(long slotMillis) {
        return this.slotMillis == slotMillis && count > 0;
    }

    /** This slot with one more entry, written at {@code position}. */
    TimerSlot with(long position, long commitLogOffset) {
        return new TimerSlot(slotMillis, count == 0 ? position : firstPosition, position,
                Math.min(minCommitLogOffset, commitLogOffset), count + 1);
    }
}
