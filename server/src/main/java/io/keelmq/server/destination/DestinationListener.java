package io.keelmq.server.destination;

/**
 * Told when a destination comes or goes, under the registry's lock. {@link #created} runs
 * before the destination becomes visible to lookups, so whatever the listener sets up for
 * it (a queue's subscription) exists by the time anyone can use it.
 */
public interface DestinationListener {
    void created(Destination destination);

    void deleted(Destination destination);
}
