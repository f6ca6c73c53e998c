package io.keelmq.jms.transport;

import io.keelmq.protocol.frame.Frame;
import io.keelmq.protocol.frame.FrameDecoder;
import io.keelmq.protocol.frame.FrameEncoder;
import io.keelmq.protocol.frame.ProtocolException;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslHandshakeTimeoutException;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.Future;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * {@code keel://host:port[,host:port...]} over TCP with Netty NIO: the protocol module's {@link FrameDecoder} and
 * {@link FrameEncoder} turn bytes into frames, and the connection's event-loop thread reports them in order.
 *
 * <p>All connections of the JVM share one event-loop group (daemon threads, created by the first connection and shut
 * down when the last one closes, see {@link SharedResource}): a group per connection cost a thread per connection,
 * which on a few cores meant more threads to schedule than work to do. A channel stays on one event loop, so its
 * frames are still reported in order.
 *
 * <p>{@code keel+ssl://} puts Netty's SslHandler (JDK provider, settings from {@link TlsOptions}) first in the
 * pipeline; {@link #connect} returns only after the TLS handshake, and a failed one is explained by
 * {@link TlsFailures}. The frames above are the same either way.
 *
 * <p>The addresses are tried in the order given until one accepts the connection; moving to another broker after a
 * connection is established is failover's job, not this class's.
 */
public final class NettyTcpTransport implements Transport {
    private static final String SSL = "ssl";

    private final List<HostAndPort> addresses;
    private final int connectTimeoutMillis;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final AtomicBoolean lossReported = new AtomicBoolean();
    private final TlsOptions tls;
    /** Every Netty connection of the JVM shares one group while any is open (see the class comment). */
    private static final SharedResource<EventLoopGroup> GROUP = SharedResource.of("keel-tcp",
            SharedResource.lifecycle(NettyTcpTransport::newGroup,
                    group -> group.shutdownGracefully(0, 2, TimeUnit.SECONDS),
                    (group, millis) -> group.terminationFuture().await(millis)));

    private static EventLoopGroup newGroup() {
        return new NioEventLoopGroup(Math.max(1, Math.min(4, Runtime.getRuntime().availableProcessors())),
                new DefaultThreadFactory("keel-tcp", true));
    }

    /** The group this transport acquired in connect; released once, by close. */
    private volatile EventLoopGroup group;
    private volatile Channel channel;
    private volatile HostAndPort connectedTo;

    public NettyTcpTransport(List<HostAndPort> addresses, int connectTimeoutMillis) {
        this(addresses, connectTimeoutMillis, null);
    }

    /** @param tls null for plain TCP ({@code keel://}), else the {@code keel+ssl://} settings */
    public NettyTcpTransport(List<HostAndPort> addresses, int connectTimeoutMillis, TlsOptions tls) {
        if (addresses.isEmpty()) {
            throw new IllegalArgumentException("at least one broker address is needed");
        }
        this.addresses = List.copyOf(addresses);
        this.connectTimeoutMillis = connectTimeoutMillis;
        this.tls = tls;
    }

    @Override
    public void connect(TransportListener listener) throws IOException {
        // Built per connection: a factory's store files may change between connections.
        SslContext sslContext = tls == null ? null : ClientSslContextFactory.create(tls);
        synchronized (this) {
            if (closed.get()) {
                throw new IOException("the transport to " + describe() + " is closed");
            }
            group = GROUP.acquire();
        }
        connectedTo = HostAndPort.firstConnected(addresses, address -> {
            channel = connect(address, sslContext, listener);
            return address;
        });
    }

    /** TCP connect, then (keel+ssl://) the TLS handshake; both bounded by the connect timeout. */
    private Channel connect(HostAndPort address, SslContext sslContext, TransportListener listener)
            throws IOException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(connectTimeoutMillis);
        Bootstrap bootstrap = new Bootstrap()
                .group(group)
                .channel(NioSocketChannel.class)
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.SO_KEEPALIVE, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, connectTimeoutMillis)
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        if (sslContext != null) {
                            // Host and port tell the engine whom to verify (verifyHost) and what SNI to send.
                            SslHandler ssl = sslContext.newHandler(ch.alloc(), address.host(), address.port());
                            ssl.setHandshakeTimeoutMillis(connectTimeoutMillis);
                            ch.pipeline().addLast(SSL, ssl);
                        }
                        ch.pipeline().addLast(new FrameDecoder(), new FrameEncoder(),
                                new InboundHandler(listener, address));
                    }
                });
        ChannelFuture attempt = bootstrap.connect(address.host(), address.port()).awaitUninterruptibly();
        if (!attempt.isSuccess()) {
            throw new IOException("could not connect to " + address + ": " + attempt.cause(), attempt.cause());
        }
        Channel connected = attempt.channel();
        SslHandler ssl = connected.pipeline().get(SslHandler.class);
        if (ssl != null) {
            long left = Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime()));
            Future<Channel> handshake = ssl.handshakeFuture();
            if (!handshake.awaitUninterruptibly(left) || !handshake.isSuccess()) {
                Throwable cause = handshake.cause() != null ? handshake.cause()
                        : new SslHandshakeTimeoutException("no TLS handshake within " + connectTimeoutMillis + " ms");
                connected.close();
                throw tlsFailure(address, cause);
            }
        }
        return connected;
    }

    private IOException tlsFailure(HostAndPort address, Throwable cause) {
        return new IOException(TlsFailures.describe(address, cause, connectTimeoutMillis, tls.keyStore() != null),
                cause);
    }

    @Override
    public CompletableFuture<Void> send(Frame frame) {
        Channel ch = channel;
        if (ch == null || closed.get() || !ch.isActive()) {
            return CompletableFuture.failedFuture(new IOException("connection to " + describe() + " is closed"));
        }
        CompletableFuture<Void> written = new CompletableFuture<>();
        ch.writeAndFlush(frame).addListener(f -> {
            if (f.isSuccess()) {
                written.complete(null);
            } else {
                // A frame over the broker's limits fails here, locally, with a ProtocolException naming the limit.
                written.completeExceptionally(f.cause());
            }
        });
        return written;
    }

    @Override
    public void close() {
        EventLoopGroup acquired;
        synchronized (this) {
            if (!closed.compareAndSet(false, true)) {
                return;
            }
            acquired = group;
        }
        Channel ch = channel;
        if (ch != null) {
            // The loop is shared: another connection's handler may close this one from it, where waiting would deadlock.
            if (ch.eventLoop().inEventLoop()) {
                ch.close();
            } else {
                ch.close().awaitUninterruptibly(connectTimeoutMillis);
            }
        }
        // The last connection's release shuts the group down; a close still running on it finishes first.
        GROUP.release(acquired);
    }

    @Override
    public String describe() {
        HostAndPort address = connectedTo;
        return (tls != null ? "keel+ssl://" : "keel://") + (address != null ? address : addresses.toString());
    }

    private final class InboundHandler extends SimpleChannelInboundHandler<Frame> {
        private final TransportListener listener;
        private final HostAndPort address;

        InboundHandler(TransportListener listener, HostAndPort address) {
            this.listener = listener;
            this.address = address;
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, Frame frame) {
            listener.onFrame(frame);
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            reportLoss(new IOException("connection to " + describe() + " was closed by the broker"));
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ProtocolException protocolError = ProtocolException.findIn(cause);
            if (protocolError != null) {
                reportLoss(new IOException("the broker at " + describe() + " broke the protocol: "
                        + protocolError.getMessage(), protocolError));
            } else if (tls != null && TlsFailures.isTls(cause)) {
                // With TLS 1.3 the broker judges the client's certificate after the client's handshake completed:
                // its refusal arrives here, as an alert on the first read.
                reportLoss(tlsFailure(address, cause));
            } else {
                reportLoss(new IOException("connection to " + describe() + " failed: " + cause, cause));
            }
            ctx.close();
        }

        private void reportLoss(IOException cause) {
            if (!closed.get() && lossReported.compareAndSet(false, true)) {
                listener.onClosed(cause);
            }
        }
    }
}
