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
import io.netty.util.concurrent.DefaultThreadFactory;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * {@code keel://host:port[,host:port...]} over TCP with Netty NIO: the protocol module's {@link FrameDecoder} and
 * {@link FrameEncoder} turn bytes into frames, and the connection's event-loop thread reports them in order.
 *
 * <p>All connections of the JVM share one event-loop group (daemon threads, created on first use, never shut
 * down): a group per connection cost a thread per connection, which on a few cores meant more threads to
 * schedule than work to do. A channel stays on one event loop, so its frames are still reported in order.
 *
 * <p>The addresses are tried in the order given until one accepts the connection; moving to another broker after a
 * connection is established is failover's job, not this class's.
 */
public final class NettyTcpTransport implements Transport {

    private final List<HostAndPort> addresses;
    private final int connectTimeoutMillis;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final AtomicBoolean lossReported = new AtomicBoolean();
    private static final class SharedGroup {
        static final EventLoopGroup GROUP = new NioEventLoopGroup(
                Math.max(1, Math.min(4, Runtime.getRuntime().availableProcessors())),
                new DefaultThreadFactory("keel-tcp", true));
    }

    private volatile Channel channel;
    private volatile HostAndPort connectedTo;

    public NettyTcpTransport(List<HostAndPort> addresses, int connectTimeoutMillis) {
        if (addresses.isEmpty()) {
            throw new IllegalArgumentException("at least one broker address is needed");
        }
        this.addresses = List.copyOf(addresses);
        this.connectTimeoutMillis = connectTimeoutMillis;
    }

    @Override
    public void connect(TransportListener listener) throws IOException {
        Bootstrap bootstrap = new Bootstrap()
                .group(SharedGroup.GROUP)
                .channel(NioSocketChannel.class)
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.SO_KEEPALIVE, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, connectTimeoutMillis)
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(new FrameDecoder(), new FrameEncoder(), new InboundHandler(listener));
                    }
                });
        IOException failure = null;
        for (HostAndPort address : addresses) {
            ChannelFuture attempt = bootstrap.connect(address.host(), address.port()).awaitUninterruptibly();
            if (attempt.isSuccess()) {
                channel = attempt.channel();
                connectedTo = address;
                return;
            }
            IOException e = new IOException("could not connect to " + address + ": " + attempt.cause(),
                    attempt.cause());
            if (failure == null) {
                failure = e;
            } else {
                failure.addSuppressed(e);
            }
        }
        throw failure;
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
        if (!closed.compareAndSet(false, true)) {
            return;
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
    }

    @Override
    public String describe() {
        HostAndPort address = connectedTo;
        return "keel://" + (address != null ? address : addresses.toString());
    }

    private final class InboundHandler extends SimpleChannelInboundHandler<Frame> {
        private final TransportListener listener;

        InboundHandler(TransportListener listener) {
            this.listener = listener;
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
            reportLoss(protocolError != null
                    ? new IOException("the broker at " + describe() + " broke the protocol: "
                            + protocolError.getMessage(), protocolError)
                    : new IOException("connection to " + describe() + " failed: " + cause, cause));
            ctx.close();
        }

        private void reportLoss(IOException cause) {
            if (!closed.get() && lossReported.compareAndSet(false, true)) {
                listener.onClosed(cause);
            }
        }
    }
}
