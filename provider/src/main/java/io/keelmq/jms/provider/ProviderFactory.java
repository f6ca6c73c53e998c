package io.keelmq.jms.provider;

import io.keelmq.jms.transport.BlockingTcpTransport;
import io.keelmq.jms.transport.InVmTransport;
import io.keelmq.jms.transport.NettyTcpTransport;
import io.keelmq.jms.transport.TcpTransportType;
import io.keelmq.jms.transport.TlsOptions;
import io.keelmq.jms.transport.Transport;

import java.util.Map;

/** Picks the transport a URL names and puts the one frame-based provider on top of it. */
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
        int connectTimeout = (int) Math.min(Integer.MAX_VALUE, Math.max(1, requestTimeoutMillis));
        Transport transport = switch (url.scheme()) {
            case KEEL -> tcpTransport == TcpTransportType.NETTY
                    ? new NettyTcpTransport(url.addresses(), connectTimeout)
                    : new BlockingTcpTransport(url.addresses(), connectTimeout);
            case KEEL_SSL -> new NettyTcpTransport(url.addresses(), connectTimeout, tls != null ? tls
                    : new TlsOptions(null, null, TlsOptions.DEFAULT_STORE_TYPE, null, null,
                            TlsOptions.DEFAULT_STORE_TYPE, true));
            case VM -> new InVmTransport(url.vmName(), brokerOptions);
        };
        return new FrameProvider(transport, requestTimeoutMillis);
    }
}
