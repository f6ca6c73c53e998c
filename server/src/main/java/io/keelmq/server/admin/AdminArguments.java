package io.keelmq.server.admin;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.Map;

/** Parses keel-admin's broker-side arguments into ADMIN request headers; a bad one is an IllegalArgumentException. */
final class AdminArguments {
    private AdminArguments() {
    }

    /** Epoch milliseconds, or an ISO-8601 instant / date-time with offset ({@code 2026-11-21T16:00:00Z}). */
    static long timestamp(String text, String option) {
        String value = text.trim();
        if (!value.isEmpty() && value.chars().allMatch(Character::isDigit)) {
            try {
                return Long.parseLong(value);
            } catch (NumberFormatException e) {
                // too long: reported below
            }
        } else {
            try {
                return Instant.parse(value).toEpochMilli();
            } catch (DateTimeParseException e) {
                try {
                    return OffsetDateTime.parse(value).toInstant().toEpochMilli();
                } catch (DateTimeParseException again) {
                    // reported below
                }
            }
        }
        throw new IllegalArgumentException("bad " + option + " '" + text + "': expected epoch milliseconds or an "
                + "ISO-8601 time such as 2026-11-21T16:00:00Z");
    }

    /** {@code queue/NAME} or {@code topic/NAME} as the headers {@code destinationKind} and {@code destination}. */
    static void destination(String text, Map<String, String> headers) {
        int slash = text.indexOf('/');
        String kind = slash < 0 ? "" : text.substring(0, slash).toLowerCase(Locale.ROOT);
        if (slash < 0 || slash == text.length() - 1 || !(kind.equals("queue") || kind.equals("topic"))) {
            throw new IllegalArgumentException("bad --destination '" + text + "': expected queue/NAME or topic/NAME");
        }
        headers.put("destinationKind", kind.toUpperCase(Locale.ROOT));
        headers.put("destination", text.substring(slash + 1));
    }

    /**
     * {@code CLIENTID:NAME} (split at the first colon; an empty client id names a shared durable subscription
     * created without one) as the headers {@code clientId} and {@code subscriptionName}.
     */
    static void subscription(String text, Map<String, String> headers) {
        int colon = text.indexOf(':');
        if (colon < 0 || colon == text.length() - 1) {
            throw new IllegalArgumentException("bad --subscription '" + text + "': expected CLIENTID:NAME (or :NAME "
                    + "for a shared durable subscription without client id)");
        }
        if (colon > 0) {
            headers.put("clientId", text.substring(0, colon));
        }
        headers.put("subscriptionName", text.substring(colon + 1));
    }
}
