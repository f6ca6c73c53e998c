package io.keelmq.store;

/** Size limits of the fields of a commit-log record (see store/README.md). */
public final class RecordLimits {
    public static final int MAX_DESTINATION_BYTES = 255;
    public static final int MAX_MESSAGE_ID_BYTES = 1024;
    public static final int MAX_KEYS_BYTES = 16 * 1024;
    /** Fixed header plus the largest variable fields other than properties and body. */
    public static final int MAX_OVERHEAD = 128 + MAX_DESTINATION_BYTES + MAX_MESSAGE_ID_BYTES + MAX_KEYS_BYTES;
    /** The end-of-segment marker: length and magic. */
    public static final int BLANK_SIZE = 8;

    private RecordLimits() {
    }
}
