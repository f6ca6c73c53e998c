package io.keelmq.jms;

import io.keelmq.jms.provider.SharedTimer;
import io.keelmq.jms.transport.BlockingTcpTransport;
import io.keelmq.jms.transport.NettyTcpTransport;

/**
 * The threads the client shares between all connections of its class loader: the request timer
 * ({@code keel-provider-timer}), the blocking transport's watchdog ({@code keel-tcp-watchdog}) and Netty's event
 * loops ({@code keel-tcp-*}). A standalone application never needs this (they are daemons); a container that unloads
 * the client does, or an undeployed resource adapter leaves them running with its class loader: the resource
 * adapter's {@code stop()} calls {@link #release(long)} once every connection it made is closed. A connection opened
 * afterwards starts them again.
 */
public final class KeelClientThreads {
    private KeelClientThreads() {
    }

    /** Ends the shared threads, waiting up to {@code millis} for each to finish. */
    public static void release(long millis) throws InterruptedException {
        SharedTimer.shutdown(millis);
        BlockingTcpTransport.stopWatchdog(millis);
        NettyTcpTransport.shutdownSharedGroup(millis);
    }
}
