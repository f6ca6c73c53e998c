package io.keelmq.store.timer;

/**
 * Settings of the {@link MessageTimer}.
 *
 * @param destination     store destination (partition 0) whose records are delayed; each record carries
 *                        its due time (epoch ms) in the tag-hash field, as RocketMQ's schedule topic does
 * @param precisionMillis length of one wheel slot: a record is delivered at or after its due time and,
 *                        under normal load, within about one precision step of it
 * @param wheelSlots      slots of the wheel; precision × slots is the window. A record due beyond the
 *                        window is parked in the window's last slot and re-added when that slot comes up
 * @param logFileSize     bytes of one timer-log file (a multiple of {@value TimerEntry#SIZE})
 */
public record TimerConfig(String destination, long precisionMillis, int wheelSlots, int logFileSize) {
    /** Broker default: 1 s slots over two days, 32 MiB log files (a million entries each). */
    public static TimerConfig defaults(String destination) {
        return new TimerConfig(destination, 1_000, 2 * 24 * 3_600, TimerEntry.SIZE * 1_048_576);
    }

    public TimerConfig {
        if (destination == null || destination.isEmpty()) {
            throw new IllegalArgumentException("the timer needs a destination");
        }
        if (precisionMillis < 1) {
            throw new IllegalArgumentException("timer precision must be at least 1 ms, not " + precisionMillis);
        }
        if (wheelSlots < 2) {
            throw new IllegalArgumentException("the timer wheel needs at least 2 slots, not " + wheelSlots);
        }
        if (logFileSize < TimerEntry.SIZE || logFileSize % TimerEntry.SIZE != 0) {
            throw new IllegalArgumentException("timer log file size " + logFileSize + " must be a positive multiple of "
                    + TimerEntry.SIZE);
        }
    }

    /** Start of the slot step that holds {@code millis}. */
    long slotOf(long millis) {
        return Math.floorDiv(millis, precisionMillis) * precisionMillis;
    }

    /** Time span the wheel covers from its current slot. */
    long windowMillis() {
        return precisionMillis * wheelSlots;
    }
}
