package io.keelmq.server.config;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * RocketMQ's {@code messageDelayLevel}: a space-separated list of durations, level 1 being
 * the first. Units: {@code ms}, {@code s}, {@code m}, {@code h}, {@code d}.
 */
public final class DelayLevels {
    /** RocketMQ's default, 18 levels. */
    public static final String DEFAULT_TEXT = "1s 5s 10s 30s 1m 2m 3m 4m 5m 6m 7m 8m 9m 10m 20m 30m 1h 2h";

    /** RocketMQ's retry schedule (its delay levels 3..18), the default of {@code redeliveryDelayLevels}. */
    public static final String REDELIVERY_DEFAULT_TEXT = "10s 30s 1m 2m 3m 4m 5m 6m 7m 8m 9m 10m 20m 30m 1h 2h";

    private final List<Long> millis;
    private final String text;

    private DelayLevels(List<Long> millis, String text) {
        this.millis = Collections.unmodifiableList(millis);
        this.text = text;
    }

    /** @throws IllegalArgumentException naming the first token that is not a positive duration */
    public static DelayLevels parse(String text) {
        String trimmed = text.trim();
        if (trimmed.isEmpty()) {
            throw new IllegalArgumentException("at least one level is needed");
        }
        List<Long> levels = new ArrayList<>();
        for (String token : trimmed.split("\\s+")) {
            levels.add(parseDuration(token));
        }
        return new DelayLevels(levels, String.join(" ", trimmed.split("\\s+")));
    }

    private static long parseDuration(String token) {
        String unit;
        String number;
        if (token.endsWith("ms")) {
            unit = "ms";
            number = token.substring(0, token.length() - 2);
        } else {
            unit = token.isEmpty() ? "" : token.substring(token.length() - 1);
            number = token.isEmpty() ? "" : token.substring(0, token.length() - 1);
        }
        long factor = switch (unit) {
            case "ms" -> 1L;
            case "s" -> 1_000L;
            case "m" -> 60_000L;
            case "h" -> 3_600_000L;
            case "d" -> 86_400_000L;
            default -> throw new IllegalArgumentException("level '" + token + "' has no unit ms, s, m, h or d");
        };
        long value;
        try {
            value = Long.parseLong(number);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("level '" + token + "' is not a number followed by a unit");
        }
        if (value <= 0 || value > Long.MAX_VALUE / factor) {
            throw new IllegalArgumentException("level '" + token + "' must be a positive duration");
        }
        return value * factor;
    }

    /** Number of levels. */
    public int count() {
        return millis.size();
    }

    /** Delay of {@code level} (1-based) in milliseconds. */
    public long delayMillis(int level) {
        if (level < 1 || level > millis.size()) {
            throw new IllegalArgumentException("delay level " + level + " is outside 1.." + millis.size());
        }
        return millis.get(level - 1);
    }

    @Override
    public String toString() {
        return text;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof DelayLevels && ((DelayLevels) other).millis.equals(millis);
    }

    @Override
    public int hashCode() {
        return millis.hashCode();
    }
}
