package io.keelmq.jms.provider;

/**
 * The broker's answer to SEND.
 *
 * @param status the status header as sent by the broker (SEND_OK, FLUSH_DISK_TIMEOUT, ...)
 */
public record SendResult(String status, String messageId, int partition, long queueOffset) {

    /** What a oneway send "returns": it was written, and nothing more is known. */
    public static final SendResult UNCONFIRMED = new SendResult(null, null, -1, -1);

    public boolean isConfirmed() {
        return status != null;
    }
}
