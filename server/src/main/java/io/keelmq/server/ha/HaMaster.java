package io.keelmq.server.ha;

import io.keelmq.store.MessageStore;
import io.keelmq.store.RecordLimits;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;

import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;

/** A master's HA listener: one {@link SlaveLink} per connected slave, on one event loop. */
final class HaMaster implements AutoCloseable {
    private final MessageStore store;
    private final ReplicaSet replicas;
    private final EventLoopGroup group = new NioEventLoopGroup(1, new DefaultThreadFactory("keel-ha-master", true));
    private volatile String clientAddress = "";
    private final java.util.function.BooleanSupplier takingSlaves;
    private Channel listener;

    HaMaster(MessageStore store, ReplicaSet replicas, java.util.function.BooleanSupplier takingSlaves) {
        this.store = store;
        this.replicas = replicas;
        this.takingSlaves = takingSlaves;
    }

    /** Binds; returns the bound address. */
    InetSocketAddress start(String host, int port, long housekeepingMillis) throws InterruptedException {
        int largestRecord = store.config().maxMessageSize() + RecordLimits.MAX_OVERHEAD;
        ServerBootstrap bootstrap = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, new WriteBufferWaterMark(1 << 20, 4 << 20))
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel channel) {
                        // The listener is told of every write only once some slave has connected: a master
                        // without slaves pays nothing on its send path.
                        store.onWritten(replicas::written);
                        channel.pipeline().addLast(HaFrames.decoder(largestRecord),
                                new SlaveLink(store, replicas, clientAddress, takingSlaves));
                    }
                });
        listener = bootstrap.bind(host, port).sync().channel();
        long every = Math.max(10, Math.min(200, housekeepingMillis / 4));
        group.scheduleWithFixedDelay(replicas::housekeeping, every, every, TimeUnit.MILLISECONDS);
        return (InetSocketAddress) listener.localAddress();
    }

    /** Where clients reach this master, told to slaves (which name it when they refuse a send). */
    void clientAddress(String hostPort) {
        this.clientAddress = hostPort;
    }

    @Override
    public void close() {
        if (listener != null) {
            listener.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
        }
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
    }
}
