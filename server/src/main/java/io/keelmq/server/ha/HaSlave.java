package io.keelmq.server.ha;

import io.keelmq.store.MessageStore;
import io.keelmq.store.RecordLimits;
import io.keelmq.store.replica.EpochFile;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A slave's end of the HA channel: connects to {@code haMasterAddress}, says where its log ends, verifies and
 * appends what the master streams ({@link MessageStore#appendReplica}), and acknowledges its written offset at once
 * and its forced offset after each force; between data, every {@code haSendHeartbeatInterval}. A lost connection
 * is opened again after a second; a chunk that fails verification closes it (the next HELLO asks again from the end
 * of what was written).
 *
 * <p>The master's state outside the commit log (STATE frames, {@link ReplicatedState}) is written to this broker's
 * files on a thread of its own, so its forces never delay the log's acknowledgements; sections that arrive while
 * one is written are merged, the newest of each kept, and written next.
 */
final class HaSlave implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(HaSlave.class);
    private static final long RECONNECT_MILLIS = 1_000;

    private final MessageStore store;
    private final String host;
    private final int port;
    private final long heartbeatMillis;
    private final String selfId;
    private final EventLoopGroup group = new NioEventLoopGroup(1, new DefaultThreadFactory("keel-ha-slave", true));
    private volatile Channel channel;
    private volatile boolean running = true;
    private volatile String masterClientAddress;
    /** Where this broker takes clients (host:port), told to the master in each HELLO; "" when it has no listener. */
    private volatile String ownClientAddress;
    private volatile String lastRefusal;
    /** The master's epochs, from its WELCOME; the slave keeps those its copy has reached. On the event loop. */
    private List<EpochFile.Entry> masterEpochs = List.of();
    private long nextEpochStart = Long.MAX_VALUE;
    private final ReplicatedState state;
    /** STATE sections received and not yet written, newest of each name; under its own lock. */
    private final Map<String, ReplicatedState.Section> unapplied = new LinkedHashMap<>();
    private final ExecutorService stateWriter = Executors.newSingleThreadExecutor(r -> {
        Thread thread = new Thread(r, "keel-ha-state");
        thread.setDaemon(true);
        return thread;
    });
    private final AtomicLong statesApplied = new AtomicLong();

    HaSlave(MessageStore store, String masterAddress, long heartbeatMillis, String selfId, String ownClientAddress,
            ReplicatedState state) {
        this.store = store;
        this.selfId = selfId;
        this.ownClientAddress = ownClientAddress == null ? "" : ownClientAddress;
        this.state = state;
        int colon = masterAddress.lastIndexOf(':');
        this.host = masterAddress.substring(0, colon);
        this.port = Integer.parseInt(masterAddress.substring(colon + 1));
        this.heartbeatMillis = heartbeatMillis;
    }

    /** The master's HA address this slave follows (host:port). */
    String masterAddress() {
        return host + ":" + port;
    }

    /** Where this broker takes clients, for the HELLOs from now on (a fixed-role slave learns it before it starts). */
    void ownClientAddress(String hostPort) {
        ownClientAddress = hostPort == null ? "" : hostPort;
    }

    void start() throws IOException {
        PromotedReplica.markReplica(store, host + ":" + port);
        group.scheduleWithFixedDelay(this::heartbeat, heartbeatMillis, heartbeatMillis, TimeUnit.MILLISECONDS);
        connect();
    }

    /** Where the master takes clients, as it said in its WELCOME; null before the first. */
    String masterClientAddress() {
        return masterClientAddress;
    }

    /** STATE frames written to this broker's files so far (for tests and logs). */
    long statesApplied() {
        return statesApplied.get();
    }

    /** A STATE frame arrived: its sections are written on the state thread (merged with any still waiting). */
    private void stateReceived(List<ReplicatedState.Section> sections) {
        boolean first;
        synchronized (unapplied) {
            first = unapplied.isEmpty();
            for (ReplicatedState.Section section : sections) {
                unapplied.put(section.name(), section);
            }
        }
        if (first && state != null) {
            try {
                stateWriter.execute(this::applyState);
            } catch (RejectedExecutionException e) {
                // closing
            }
        }
    }

    private void applyState() {
        List<ReplicatedState.Section> sections;
        synchronized (unapplied) {
            sections = new ArrayList<>(unapplied.values());
            unapplied.clear();
        }
        try {
            state.apply(sections);
            statesApplied.incrementAndGet();
        } catch (IOException | RuntimeException e) {
            // The next change of a section sends it again; a whole resend comes with the next connection.
            LOG.error("HA: cannot write the state master {}:{} sent: {}", host, port, e.toString());
        }
    }

    /** Why the master last refused this slave, or null. */
    String lastRefusal() {
        return lastRefusal;
    }

    private void connect() {
        if (!running) {
            return;
        }
        int largestRecord = store.config().maxMessageSize() + RecordLimits.MAX_OVERHEAD;
        new Bootstrap().group(group).channel(NioSocketChannel.class)
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 5_000)
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(HaFrames.decoder(largestRecord), new Follower());
                    }
                })
                .connect(host, port).addListener(done -> {
                    if (!done.isSuccess()) {
                        LOG.debug("HA: master {}:{} not reachable: {}", host, port, done.cause().toString());
                        reconnectLater();
                    }
                });
    }

    private void reconnectLater() {
        if (running && !group.isShuttingDown()) {
            group.schedule(this::connect, RECONNECT_MILLIS, TimeUnit.MILLISECONDS);
        }
    }

    private void heartbeat() {
        Channel ch = channel;
        if (ch != null && ch.isActive()) {
            ch.writeAndFlush(HaFrames.ack(ch.alloc(), store.commitLogMaxOffset(), store.commitLogFlushedOffset()));
        }
    }

    /**
     * The master streams from {@code start}: bytes of this log after it diverged from the master's (see
     * EpochFile.divergencePoint) and are cut into quarantine/ before anything else is read. False: the cut failed,
     * and the connection is closed (it is tried again on the next).
     */
    private boolean truncateTo(ChannelHandlerContext ctx, long start) {
        long end = store.commitLogMaxOffset();
        if (start >= end) {
            return true;
        }
        LOG.warn("HA: this log diverged from master {}:{}: cutting {} bytes from offset {} into {}", host, port,
                end - start, start, store.config().quarantineDir());
        try {
            store.truncateReplica(start);
            return true;
        } catch (IOException | RuntimeException e) {
            LOG.error("HA: cannot cut the diverged log at {}: {}", start, e.toString());
            ctx.close();
            return false;
        }
    }

    /** Keeps the master's epochs that this copy has reached (written when that changes); on the event loop. */
    private void followEpochs() {
        long end = store.commitLogMaxOffset();
        try {
            store.epochs().follow(masterEpochs, end);
        } catch (IOException e) {
            LOG.error("HA: cannot write the epoch file: {}", e.toString());
        }
        nextEpochStart = Long.MAX_VALUE;
        for (EpochFile.Entry entry : masterEpochs) {
            if (entry.startOffset() > end) {
                nextEpochStart = entry.startOffset();
                break;
            }
        }
    }

    /** Handles one connection to the master. */
    private final class Follower extends ChannelInboundHandlerAdapter {
        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            channel = ctx.channel();
            ctx.writeAndFlush(HaFrames.hello(ctx.alloc(), store.commitLogMaxOffset(),
                    store.config().mappedFileSizeCommitLog(), store.epochs().entries(), selfId, ownClientAddress));
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ByteBuf frame = (ByteBuf) msg;
            try {
                byte type = frame.readByte();
                if (type == HaFrames.DATA) {
                    long offset = frame.readLong();
                    ByteBuffer records = ByteBuffer.allocate(frame.readableBytes());
                    frame.readBytes(records);
                    records.flip();
                    append(ctx, offset, records);
                } else if (type == HaFrames.STATE) {
                    stateReceived(HaFrames.readState(frame));
                } else if (type == HaFrames.WELCOME) {
                    masterClientAddress = HaFrames.readText(frame);
                    long start = frame.readLong();
                    masterEpochs = HaFrames.readEpochs(frame);
                    if (!truncateTo(ctx, start)) {
                        return;
                    }
                    nextEpochStart = -1;
                    followEpochs();
                    lastRefusal = null;
                    LOG.info("HA: following master {}:{} (clients: {}) from offset {}", host, port,
                            masterClientAddress, store.commitLogMaxOffset());
                } else if (type == HaFrames.REFUSED) {
                    lastRefusal = HaFrames.readText(frame);
                    LOG.error("HA: master {}:{} refused this slave: {}", host, port, lastRefusal);
                    ctx.close();
                } else {
                    LOG.error("HA: unexpected frame type {} from master {}:{}", type, host, port);
                    ctx.close();
                }
            } finally {
                frame.release();
            }
        }

        private void append(ChannelHandlerContext ctx, long offset, ByteBuffer records) {
            MessageStore.ReplicaAppend appended;
            try {
                appended = store.appendReplica(offset, records);
            } catch (IOException | RuntimeException e) {
                LOG.error("HA: cannot append what master {}:{} sent at offset {}: {}", host, port, offset,
                        e.toString());
                ctx.close();
                return;
            }
            ctx.writeAndFlush(HaFrames.ack(ctx.alloc(), appended.writtenEnd(), store.commitLogFlushedOffset()));
            if (appended.writtenEnd() >= nextEpochStart) {
                followEpochs();
            }
            if (appended.forced() != null) {
                appended.forced().thenAccept(forced -> {
                    Channel ch = ctx.channel();
                    if (ch.isActive()) {
                        ch.writeAndFlush(HaFrames.ack(ch.alloc(), store.commitLogMaxOffset(), forced));
                    }
                });
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            LOG.warn("HA: connection to master {}:{} lost; log ends at {}", host, port, store.commitLogMaxOffset());
            channel = null;
            reconnectLater();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            LOG.warn("HA: connection to master {}:{} failed: {}", host, port, cause.toString());
            ctx.close();
        }
    }

    @Override
    public void close() {
        running = false;
        Channel ch = channel;
        if (ch != null) {
            ch.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
        }
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
        stateWriter.shutdown();
        try {
            stateWriter.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
