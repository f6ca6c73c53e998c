package io.keelmq.jms;

import io.keelmq.jms.transport.SharedResource;

/**
 * The client's JVM-wide threads (the Netty event-loop group, the provider's timer, the blocking transport's watchdog)
 * exist only while a connection is open: the last connection to close stops them. A container that undeploys an
 * application or a resource adapter after closing its connections calls {@link #awaitReleased} so that it finds no
 * KeelMQ thread left behind.
 */
public final class ClientThreads {
    private ClientThreads() {
    }

    /**
     * Waits until no shared client resource is in use and their threads have ended.
     *
     * @return false if a connection is still open (so its threads rightly remain) or a thread did not end in time
     */
    public static boolean awaitReleased(long timeoutMillis) throws InterruptedException {
        return SharedResource.awaitAllReleased(timeoutMillis);
    }
}
