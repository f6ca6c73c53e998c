package io.keelmq.bench.load;

import java.util.Locale;

/**
 * How the bench's consumers take and acknowledge messages, so that each JMS acknowledgement mode can be measured on
 * its own line: a user picks a mode by what it guarantees, and should see what it costs.
 */
public enum ConsumeMode {
    /** receive() in AUTO_ACKNOWLEDGE: each message acknowledged as receive() returns it. */
    AUTO,
    /** receive() in DUPS_OK_ACKNOWLEDGE: acknowledged lazily, duplicates allowed after a failure. */
    DUPS_OK,
    /** receive() in CLIENT_ACKNOWLEDGE, {@code Message.acknowledge()} every {@link #CLIENT_BATCH} messages. */
    CLIENT,
    /** receive() in a transacted session, commit every {@link #TRANSACTED_BATCH} messages. */
    TRANSACTED,
    /** A MessageListener in AUTO_ACKNOWLEDGE: acknowledged as onMessage returns, on the provider's thread. */
    LISTENER;

    /** Messages per Message.acknowledge() in {@link #CLIENT}. */
    public static final int CLIENT_BATCH = 10;
    /** Messages per commit in {@link #TRANSACTED}. */
    public static final int TRANSACTED_BATCH = 10;

    /** The command-line spelling: {@code auto}, {@code dups-ok}, {@code client}, {@code transacted}, {@code listener}. */
    public String spelling() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    public static ConsumeMode parse(String text) {
        for (ConsumeMode mode : values()) {
            if (mode.spelling().equalsIgnoreCase(text.trim())) {
                return mode;
            }
        }
        throw new IllegalArgumentException("--ack-mode must be auto, dups-ok, client, transacted or listener, not "
                + text);
    }

    /** A phase name's suffix: none for AUTO, which the figures so far were measured with. */
    public String phaseSuffix() {
        return this == AUTO ? "" : "-" + spelling();
    }
}
