package io.keelmq.server.tx;

import java.util.Set;

/**
 * An XA branch waiting for its transaction manager, as {@code keel-admin transaction list} shows it.
 *
 * @param state        {@code PREPARED} (in doubt), {@code HEURISTIC_COMMITTED} or {@code HEURISTIC_ROLLED_BACK}
 *                     (an operator decided it; kept until the transaction manager's XA_FORGET)
 * @param preparedAt   epoch ms of the prepare
 * @param destinations store names of the destinations it sent to or consumed from (persisted subscriptions)
 * @param messages     how many messages it sent and consumed
 */
public record XaBranchSummary(XaXid xid, String state, long preparedAt, Set<String> destinations, int messages) {
}
