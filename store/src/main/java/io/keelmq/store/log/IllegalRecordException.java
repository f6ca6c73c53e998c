package io.keelmq.store.log;

import io.keelmq.store.AppendStatus;

/** A record refused before anything was written, with the status to answer. */
public final class IllegalRecordException extends Exception {
    private final AppendStatus status;

    public IllegalRecordException(AppendStatus status, String message) {
        super(message);
        this.status = status;
    }

    public AppendStatus status() {
        return status;
    }
}
