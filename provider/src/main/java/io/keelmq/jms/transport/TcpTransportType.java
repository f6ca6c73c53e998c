package io.keelmq.jms.transport;

import java.util.Locale;

/** Which implementation carries a plain {@code keel://} connection: the {@code tcpTransport} connection option. */
public enum TcpTransportType {
    /**
     * {@link BlockingTcpTransport}: the sending thread writes to the socket itself and a reader thread per
     * connection reads. Fewer thread wakeups per request; the default.
     */
    BLOCKING,
    /** {@link NettyTcpTransport}: a few event-loop threads shared by all connections, for JVMs with very many. */
    NETTY;

    /** The option's value, case-insensitive. */
    public static TcpTransportType parse(String value) {
        String v = value.trim().toUpperCase(Locale.ROOT);
        for (TcpTransportType type : values()) {
            if (type.name().equals(v)) {
                return type;
            }
        }
        throw new IllegalArgumentException("expected blocking or netty");
    }

    /** As written in a URL. */
    @Override
    public String toString() {
        return name().toLowerCase(Locale.ROOT);
    }
}
