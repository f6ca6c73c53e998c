package io.keelmq.jms.provider.failover;

import io.keelmq.jms.provider.Provider;
import io.keelmq.jms.transport.HostAndPort;

/**
 * One connection of a failing-over provider: the {@code number}-th it made, to {@code address}. A failure reported
 * by an older generation is about a connection already replaced, and changes nothing.
 */
record Generation(long number, Provider provider, HostAndPort address) {
}
