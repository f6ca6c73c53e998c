package io.keelmq.store.log;

import java.io.IOException;

/**
 * Writing buffered appends to the file failed. Unlike a failed force this is not fatal:
 * the bytes are still in the write buffer and the next commit tries again.
 */
public final class WriteFailedException extends IOException {
    public WriteFailedException(IOException cause) {
        super("commit-log write failed: " + cause.getMessage(), cause);
    }
}
