package io.keelmq.jms.fake;

import io.keelmq.protocol.frame.ErrorCode;

/** A request the fake broker answers with an error frame. */
final class Refusal extends RuntimeException {
    private static final long serialVersionUID = 1L;

    final ErrorCode code;

    Refusal(ErrorCode code, String message) {
        super(message);
        this.code = code;
    }
}
