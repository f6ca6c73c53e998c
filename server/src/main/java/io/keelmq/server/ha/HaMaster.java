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

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A master's HA listener: one {@link SlaveLink} per connected slave, on one event loop, which also sends the slaves
 * the {@link ReplicatedState} every {@code haStateSyncInterval} when it changed, at once when told, and the
 * subscription positions alone after each acknowledgement.
 */
final class HaMaster implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(HaMaster.class);

    private final MessageStore store;
    private final ReplicaSet replicas;
    private final ReplicatedState state;
    private final AtomicBoolean stateQueued = new AtomicBoolean();
    private final AtomicBoolean positionsQueued = new AtomicBoolean();
    private final EventLoopGroup group = new NioEventLoopGroup(1, new DefaultThreadFactory("keel-ha-master", true));
    private volatile String clientAddress = "";
    private final java.util.function.BooleanSupplier takingSlaves;
    private Channel listener;

    HaMaster(MessageStore store, ReplicaSet replicas, ReplicatedState state,
             java.util.function.BooleanSupplier takingSlaves) {
        this.store = store;
        this.replicas = replicas;
        this.state = state;
        this.takingSlaves = takingSlaves;
    }

    /** Binds; returns the bound address. */
    InetSocketAddress start(String host, int port, long housekeepingMillis, long stateSyncMillis)
            throws InterruptedException {
        int largestRecord = store.config().maxMessageSize() + RecordLimits.MAX_OVERHEAD;
        int maxFrame = HaFrames.maxFrame(largestRecord);
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
        if (state != null) {
            Runnable send = () -> sendState(maxFrame);
            group.scheduleWithFixedDelay(send, stateSyncMillis, stateSyncMillis, TimeUnit.MILLISECONDS);
            state.onChange(() -> {
                if (stateQueued.compareAndSet(false, true) && !group.isShuttingDown()) {
                    group.execute(send);
                }
            });
            // Acknowledgements: the positions alone, at once; those that land while one send is queued go with it.
            // The acknowledging thread pays a flag's compare-and-set; the snapshot is taken on the HA event loop.
            Runnable sendPositions = () -> sendPositions(maxFrame);
            state.onPositionsChange(() -> {
                if (positionsQueued.compareAndSet(false, true) && !group.isShuttingDown()) {
                    try {
                        group.execute(sendPositions);
                    } catch (RejectedExecutionException e) {
                        // closing: an acknowledgement must not fail for it
                    }
                }
            });
        }
        return (InetSocketAddress) listener.localAddress();
    }

    /** On the event loop: the state as it is now, to every slave that lacks some of it. */
    private void sendState(int maxFrame) {
        stateQueued.set(false);
        if (!replicas.hasSlaves()) {
            return;         // a slave that connects later gets everything at once
        }
        try {
            replicas.sendState(state.sections(), maxFrame);
        } catch (IOException | RuntimeException e) {
            LOG.error("HA: cannot read the state to send to the slaves; tried again in haStateSyncInterval", e);
        }
    }

    /** On the event loop: the positions as they are now, to every slave that lacks them. */
    private void sendPositions(int maxFrame) {
        positionsQueued.set(false);
        if (replicas.hasSlaves()) {
            replicas.sendState(List.of(state.positions()), maxFrame);
        }
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
