package io.keelmq.jms.transport;

import java.io.IOException;
import java.util.List;

/** One broker address of a {@code keel://} URL. */
public record HostAndPort(String host, int port) {

    public HostAndPort {
        if (host == null || host.isEmpty()) {
            throw new IllegalArgumentException("host must not be empty");
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port must be 1 to 65535, not " + port);
        }
    }

    /** One connection attempt to one address. */
    interface Attempt<T> {
        T connect(HostAndPort address) throws IOException;
    }

    /**
     * Tries the addresses in order until one connects.
     *
     * @throws IOException the first attempt's failure, the later ones' suppressed in it, if none connects
     */
    static <T> T firstConnected(List<HostAndPort> addresses, Attempt<T> attempt) throws IOException {
        IOException failure = null;
        for (HostAndPort address : addresses) {
            try {
                return attempt.connect(address);
            } catch (IOException e) {
                if (failure == null) {
                    failure = e;
                } else {
                    failure.addSuppressed(e);
                }
            }
        }
        throw failure;
    }

    @Override
    public String toString() {
        return host.indexOf(':') >= 0 ? "[" + host + "]:" + port : host + ":" + port;
    }
}
