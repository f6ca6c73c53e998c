package io.keelmq.server.net;

import io.keelmq.protocol.frame.FrameDecoder;
import io.keelmq.protocol.frame.FrameEncoder;
import io.keelmq.protocol.frame.FrameLimits;
import io.keelmq.server.config.BrokerConfig;
import io.keelmq.server.config.ConfigKeys;
import io.keelmq.server.connection.BrokerServices;
import io.keelmq.server.tls.TlsDetector;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollEventLoopGroup;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.ssl.SslContext;
import io.netty.util.concurrent.DefaultThreadFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;

/**
 * The TCP listeners, plain and TLS, on one pair of event-loop groups: epoll when the native transport
 * loads, NIO otherwise. Each connection's pipeline is the per-address connection limit, (on the TLS listener:
 * {@link TlsDetector}, which becomes the SslHandler) frame decoder (with the broker's limits, so a hostile length field is refused
 * after four bytes), frame encoder, the idle handler once the heartbeat is agreed, and the
 * {@link ConnectionHandler}. Event-loop threads only decode and hand over; requests run on
 * the worker pool and sends complete on the store's flush.
 */
public final class NettyServer {
    static final String IDLE = "idle";
    static final String CONNECTION = "connection";
    private static final Logger LOG = LoggerFactory.getLogger(NettyServer.class);

    private final BrokerConfig config;
    private final BrokerServices services;
    private final boolean epoll = Epoll.isAvailable();
    private EventLoopGroup bossGroup;
    private EventLoopGroup workerGroup;
    private ConnectionLimitHandler connectionLimit;
    private Channel serverChannel;
    private Channel tlsChannel;

    public NettyServer(BrokerConfig config, BrokerServices services) {
        this.config = config;
        this.services = services;
    }

    /** Binds the plain listener; returns the address actually bound (port 0 becomes a free port). */
    public InetSocketAddress start() throws InterruptedException {
        serverChannel = bind(config.listenPort(), null);
        InetSocketAddress bound = (InetSocketAddress) serverChannel.localAddress();
        LOG.info("listening on {} ({} transport, {} I/O threads, {})", bound, epoll ? "epoll" : "nio",
                config.get(ConfigKeys.SERVER_SELECTOR_THREADS), config.frameLimits());
        return bound;
    }

    /**
     * Binds the TLS listener on {@code tlsPort}, sharing the plain listener's event loops; its connections run the
     * same pipeline behind a {@link TlsDetector}. Returns the address actually bound.
     */
    public InetSocketAddress startTls(SslContext tls) throws InterruptedException {
        tlsChannel = bind(config.get(ConfigKeys.TLS_PORT), tls);
        InetSocketAddress bound = (InetSocketAddress) tlsChannel.localAddress();
        LOG.info("listening for TLS on {}", bound);
        return bound;
    }

    /** @param tls null for the plain listener */
    private Channel bind(int port, SslContext tls) throws InterruptedException {
        createGroups();
        FrameLimits limits = config.inboundFrameLimits();
        FrameEncoder encoder = new FrameEncoder(config.frameLimits());
        long handshakeTimeout = config.get(ConfigKeys.HANDSHAKE_TIMEOUT_MILLIS);
        Class<? extends ServerChannel> channelType = epoll ? EpollServerSocketChannel.class
                : NioServerSocketChannel.class;
        ServerBootstrap bootstrap = new ServerBootstrap()
                .group(bossGroup, workerGroup)
                .channel(channelType)
                .option(ChannelOption.SO_BACKLOG, 1024)
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childOption(ChannelOption.SO_KEEPALIVE, true)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel channel) {
                        // The per-address limit comes first, so that refused connections cost no TLS handshake.
                        channel.pipeline().addLast("connectionLimit", connectionLimit);
                        if (tls != null) {
                            channel.pipeline().addLast("tls", new TlsDetector(tls, handshakeTimeout));
                        }
                        channel.pipeline()
                                .addLast("decoder", new FrameDecoder(limits))
                                .addLast("encoder", encoder)
                                .addLast(CONNECTION, new ConnectionHandler(services, handshakeTimeout));
                    }
                });
        try {
            return bootstrap.bind(config.listenAddress(), port).sync().channel();
        } catch (InterruptedException | RuntimeException e) {
            close();
            throw e;
        }
    }

    private void createGroups() {
        if (bossGroup == null) {
            // One limit handler for both listeners: the count is per remote address, whichever port it uses.
            connectionLimit = new ConnectionLimitHandler(config.get(ConfigKeys.MAX_CONNECTIONS_PER_ADDRESS));
            bossGroup = group(1, "keel-accept");
            workerGroup = group(config.get(ConfigKeys.SERVER_SELECTOR_THREADS), "keel-io");
        }
    }

    private EventLoopGroup group(int threads, String name) {
        DefaultThreadFactory factory = new DefaultThreadFactory(name, false);
        return epoll ? new EpollEventLoopGroup(threads, factory) : new NioEventLoopGroup(threads, factory);
    }

    /** Stops accepting connections; open ones carry on until closed. */
    public void stopAccepting() {
        for (Channel listener : new Channel[] {serverChannel, tlsChannel}) {
            if (listener != null) {
                listener.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
            }
        }
    }

    /** Stops the event loops (after the connections were closed). */
    public void close() {
        stopAccepting();
        if (bossGroup != null) {
            bossGroup.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
        }
        if (workerGroup != null) {
            workerGroup.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
        }
    }
}
