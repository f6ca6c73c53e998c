package io.keelmq.server.consume;

import java.util.Locale;

/** A session's acknowledgement mode, as sent in CREATE_SESSION's {@code ackMode} header. */
public enum AckMode {
    AUTO, CLIENT, DUPS_OK, TRANSACTED, INDIVIDUAL;

    /** @throws IllegalArgumentException naming the accepted values */
    public static AckMode parse(String text) {
        try {
            return valueOf(text.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("ackMode '" + text + "' is not AUTO, CLIENT, DUPS_OK, TRANSACTED "
                    + "or INDIVIDUAL");
        }
    }
}
