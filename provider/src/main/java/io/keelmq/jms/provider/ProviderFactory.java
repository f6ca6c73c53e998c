package io.keelmq.jms.provider;

import io.keelmq.jms.transport.InVmTransport;
import io.keelmq.jms.transport.NettyTcpTransport;
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
        Transport transport = switch (url.scheme()) {
            case KEEL -> new NettyTcpTransport(url.addresses(),
                    (int) Math.min(Integer.MAX_VALUE, Math.max(1, requestTimeoutMillis)));
            case VM -> new InVmTransport(url.vmName(), brokerOptions);
        };
        return new FrameProvider(transport, requestTimeoutMillis);
    }
}
