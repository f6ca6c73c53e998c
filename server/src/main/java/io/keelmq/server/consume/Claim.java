package io.keelmq.server.consume;

import io.keelmq.server.message.Delivery;

import java.util.List;

/**
 * What one claim on a subscription found.
 *
 * @param moreToScan the claim stopped at its scan limit with nothing found; try again soon
 */
public record Claim(List<Delivery> deliveries, boolean moreToScan) {
    static final Claim NOTHING = new Claim(List.of(), false);
}
