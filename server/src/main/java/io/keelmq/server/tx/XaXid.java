package io.keelmq.server.tx;

import java.util.HexFormat;
import java.util.Locale;

/**
 * An XA branch's Xid as the wire carries it: the format id and the global transaction and branch qualifiers in
 * lower-case hex. Its {@link #txId()} names the branch's op records, so a prepared branch is found again at start-up.
 */
public record XaXid(int formatId, String gtrid, String bqual) {
    private static final String PREFIX = "xa-";

    public XaXid {
        gtrid = checkedHex(gtrid, "gtrid");
        bqual = checkedHex(bqual, "bqual");
    }

    /** The id of the branch's op records: {@code xa-FORMATID:GTRID_HEX:BQUAL_HEX}. */
    public String txId() {
        return PREFIX + this;
    }

    /** The Xid an op record's id names, or null for any other transaction's id. */
    static XaXid ofTxId(String txId) {
        return txId.startsWith(PREFIX) ? parse(txId.substring(PREFIX.length())) : null;
    }

    /** {@code FORMATID:GTRID_HEX:BQUAL_HEX}, as {@link #toString()} writes it. */
    public static XaXid parse(String text) {
        String[] parts = text.split(":", -1);
        if (parts.length != 3) {
            throw new IllegalArgumentException("an Xid is FORMATID:GTRID_HEX:BQUAL_HEX, not " + text);
        }
        return new XaXid(Integer.parseInt(parts[0]), parts[1], parts[2]);
    }

    private static String checkedHex(String hex, String what) {
        if (hex == null || hex.length() > 128 || hex.length() % 2 != 0) {
            throw new IllegalArgumentException(what + " must be at most 64 bytes in hex, not " + hex);
        }
        HexFormat.of().parseHex(hex); // throws IllegalArgumentException for a non-hex digit
        return hex.toLowerCase(Locale.ROOT);
    }

    @Override
    public String toString() {
        return formatId + ":" + gtrid + ":" + bqual;
    }
}
