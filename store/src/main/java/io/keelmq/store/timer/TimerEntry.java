package io.keelmq.store.timer;

/**
 * One timer-log entry: a delayed record of the commit log and when it is due.
 *
 * @param previousPosition timer-log position of the previous entry of the same wheel slot, or -1
 * @param dueMillis        when the record is due (epoch ms); may lie beyond its slot when rolled
 * @param commitLogOffset  physical offset of the delayed record in the commit log
 * @param size             the record's size in the commit log
 */
public record TimerEntry(long previousPosition, long dueMillis, long commitLogOffset, int size) {
    /** Bytes of an entry on disk. */
    public static final int SIZE = 32;
    /** "TMR1": lets a reader tell an entry from zeros (a hole or an unwritten tail). */
    static final int MAGIC = 0x544D5231;
}
