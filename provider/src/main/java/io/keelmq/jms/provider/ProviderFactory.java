package io.keelmq.jms.provider;

import io.keelmq.jms.provider.failover.FailoverOptions;
import io.keelmq.jms.provider.failover.FailoverProvider;
import io.keelmq.jms.transport.BlockingTcpTransport;
import io.keelmq.jms.transport.HostAndPort;
import io.keelmq.jms.transport.InVmTransport;
import io.keelmq.jms.transport.NettyTcpTransport;
import io.keelmq.jms.transport.TcpTransportType;
import io.keelmq.jms.transport.TlsOptions;
import io.keelmq.jms.transport.Transport;

import java.util.List;
import java.util.Map;

/**
 * Picks the transport a URL names and puts the one frame-based provider on top of it; for a connection that fails
 * over, a {@link FailoverProvider} that makes such a provider per broker address.
 */
public final class ProviderFactory {

    private ProviderFactory() {
    }

    /**
     * @param brokerOptions settings for an in-VM broker this connection may start (ignored for TCP)
     * @param requestTimeoutMillis bounds connecting and every request but SEND and PULL
     */
    public static Provider create(BrokerURL url, Map<String, String> brokerOptions, long requestTimeoutMillis) {
        return create(url, brokerOptions, null, TcpTransportType.BLOCKING, requestTimeoutMillis);
    }

    /**
     * @param tls the TLS settings for a {@code keel+ssl://} URL; null means the JVM's default trust, no client
     *            certificate and host verification
     * @param tcpTransport what carries a {@code keel://} URL ({@code keel+ssl://} always uses Netty)
     */
    public static Provider create(BrokerURL url, Map<String, String> brokerOptions, TlsOptions tls,
                                  TcpTransportType tcpTransport, long requestTimeoutMillis) {
        return create(url, brokerOptions, tls, tcpTransport, requestTimeoutMillis, null);
    }

    /**
     * @param failover how the connection fails over among the URL's brokers; null for none: the provider is then the
     *     plain one, exactly as without failover (the URL's addresses are only tried in order at connect)
     */
    public static Provider create(BrokerURL url, Map<String, String> brokerOptions, TlsOptions tls,
                                  TcpTransportType tcpTransport, long requestTimeoutMillis,
                                  FailoverOptions failover) {
        if (failover != null && url.scheme().isTcp()) {
            return new FailoverProvider(url.addresses(),
                    address -> new FrameProvider(transport(url, List.of(address), brokerOptions, tls, tcpTransport,
                            requestTimeoutMillis), requestTimeoutMillis),
                    failover, requestTimeoutMillis);
        }
        return new FrameProvider(transport(url, url.addresses(), brokerOptions, tls, tcpTransport,
                requestTimeoutMillis), requestTimeoutMillis);
    }

    private static Transport transport(BrokerURL url, List<HostAndPort> addresses, Map<String, String> brokerOptions,
                                       TlsOptions tls, TcpTransportType tcpTransport, long requestTimeoutMillis) {
        int connectTimeout = (int) Math.min(Integer.MAX_VALUE, Math.max(1, requestTimeoutMillis));
        return switch (url.scheme()) {
            case KEEL -> tcpTransport == TcpTransportType.NETTY
                    ? new NettyTcpTransport(addresses, connectTimeout)
                    : new BlockingTcpTransport(addresses, connectTimeout);
            case KEEL_SSL -> new NettyTcpTransport(addresses, connectTimeout, tls != null ? tls
                    : new TlsOptions(null, null, TlsOptions.DEFAULT_STORE_TYPE, null, null,
                            TlsOptions.DEFAULT_STORE_TYPE, true));
            case VM -> new InVmTransport(url.vmName(), brokerOptions);
        };
    }
}
