package io.keelmq.server.consume;

import io.keelmq.server.message.Delivery;

import java.util.List;

/**
 * What one claim on a subscription found.
 *
 * @param moreToScan    the claim stopped at its scan limit with nothing found; try again soon
 * @param leftForOthers the claim may have left messages that another consumer could take now: its batch filled up, or
 *                      it passed over messages its consumer's selector, noLocal or message group kept from it (false:
 *                      nothing else is deliverable now, to anybody)
 * @param stoppedShort  the claim stopped before it had looked at everything its consumer could take: its batch filled
 *                      up (messages or bytes) or it reached its scan limit; a standing pull with credit left claims
 *                      again rather than wait for the next arrival
 */
public record Claim(List<Delivery> deliveries, boolean moreToScan, boolean leftForOthers, boolean stoppedShort) {
    /** Nothing claimed, without looking (closed, or answered already): others are not ruled out. */
    static final Claim NOTHING = new Claim(List.of(), false, true, false);
}
