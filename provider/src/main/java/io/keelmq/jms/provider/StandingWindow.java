package io.keelmq.jms.provider;

import java.util.List;

/**
 * One standing pull's window as the broker counts it (protocol/README.md, "PULL" and "CREDIT"): messages and message
 * bytes granted by the PULL and widened by CREDITs, and those received in partial answers. The broker sends nothing
 * more once either is used up, so the pending PULL is then marked quiet on its {@link FrameChannel}: a consumer with
 * a full buffer keeps a standing pull for seconds, and were it counted as expecting frames all that time, the
 * transport's reader thread would read every answer its callers wait for (each ACK under AUTO_ACKNOWLEDGE) and hand
 * it over with a wake-up. Every change of the mark happens under this window's lock, so a partial answer that used
 * the window up and a CREDIT that widens it cannot leave the mark in the wrong state.
 */
final class StandingWindow {
    private final FrameChannel channel;
    private final long standingId;
    private long grantedMessages;
    private long grantedBytes;
    private long receivedMessages;
    private long receivedBytes;
    /** The PULL's correlation id; 0 until {@link #sent} (a partial answer may be handled before that). */
    private long requestId;
    private boolean quiet;

    StandingWindow(FrameChannel channel, PullRequest pull) {
        this.channel = channel;
        this.standingId = pull.standingId();
        this.grantedMessages = pull.maxMessages();
        this.grantedBytes = pull.maxBytes();
    }

    long standingId() {
        return standingId;
    }

    /** The PULL was registered under {@code id}. */
    synchronized void sent(long id) {
        requestId = id;
        mark();
    }

    /** A partial answer carried these deliveries. */
    synchronized void received(List<Delivery> deliveries) {
        receivedMessages += deliveries.size();
        for (Delivery d : deliveries) {
            receivedBytes += d.encodedLength();
        }
        mark();
    }

    /** A CREDIT with these totals is about to be sent; the broker takes the larger of its totals and these. */
    synchronized void widen(long messages, long bytes) {
        grantedMessages = Math.max(grantedMessages, messages);
        grantedBytes = Math.max(grantedBytes, bytes);
        mark();
    }

    private void mark() {
        boolean usedUp = receivedMessages >= grantedMessages || receivedBytes >= grantedBytes;
        if (requestId != 0 && usedUp != quiet) {
            quiet = usedUp;
            channel.expectAnswers(requestId, !usedUp);
        }
    }
}
