package io.keelmq.server.ha;

import io.keelmq.store.MessageStore;
import io.keelmq.store.log.CommitLog;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.keelmq.store.replica.EpochFile;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The master's end of one slave's HA connection: after the slave's HELLO it streams the commit log from where the
 * slave's ends, whenever records reach the file (so the copy travels while the master's own force runs), as fast as
 * the connection takes it; it records the slave's acknowledgements for the {@link ReplicaSet}.
 */
final class SlaveLink extends ChannelInboundHandlerAdapter {
    private static final Logger LOG = LoggerFactory.getLogger(SlaveLink.class);

    private final MessageStore store;
    private final ReplicaSet replicas;
    private final String masterClientAddress;
    /** False while this broker is not master (controller mode): a slave that connects is refused. */
    private final java.util.function.BooleanSupplier takingSlaves;
    /** The slave's brokerId from its HELLO ("" from a slave that sends none). */
    private volatile String slaveId = "";
    /** Where the slave takes clients (host:port), from its HELLO ("" from a slave that sends none). */
    private volatile String slaveClientAddress = "";
    private final AtomicBoolean pumpQueued = new AtomicBoolean();
    private ChannelHandlerContext context;
    /** Where the next DATA frame starts; on the channel's event loop only. */
    private long nextOffset = -1;
    private volatile long ackedWritten = -1;
    private volatile long ackedForced = -1;
    private volatile long lastHeardNanos = System.nanoTime();
    /** Each state section's content as last sent on this connection; on the event loop only. */
    private final Map<String, byte[]> stateSent = new HashMap<>();

    SlaveLink(MessageStore store, ReplicaSet replicas, String masterClientAddress,
              java.util.function.BooleanSupplier takingSlaves) {
        this.store = store;
        this.replicas = replicas;
        this.masterClientAddress = masterClientAddress;
        this.takingSlaves = takingSlaves;
    }

    String slaveId() {
        return slaveId;
    }

    /** Where the slave takes clients (host:port); "" when its HELLO did not say. */
    String slaveClientAddress() {
        return slaveClientAddress;
    }

    long ackedWritten() {
        return ackedWritten;
    }

    long lastHeardNanos() {
        return lastHeardNanos;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        this.context = ctx;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        ByteBuf frame = (ByteBuf) msg;
        try {
            byte type = frame.readByte();
            lastHeardNanos = System.nanoTime();
            if (type == HaFrames.HELLO && nextOffset < 0) {
                int version = frame.readInt();
                long slaveEnd = frame.readLong();
                int segmentSize = frame.readInt();
                List<EpochFile.Entry> epochs = HaFrames.readEpochs(frame);
                if (frame.isReadable()) {
                    slaveId = HaFrames.readText(frame);
                }
                if (frame.isReadable()) {
                    slaveClientAddress = HaFrames.readText(frame);
                }
                hello(ctx, version, slaveEnd, segmentSize, epochs);
            } else if (type == HaFrames.ACK && nextOffset >= 0) {
                ackedWritten = Math.max(ackedWritten, frame.readLong());
                ackedForced = Math.max(ackedForced, frame.readLong());
                replicas.acknowledged(this);
            } else {
                HaFrames.refuse(ctx.channel(), "unexpected HA frame type " + type);
            }
        } catch (IndexOutOfBoundsException e) {
            HaFrames.refuse(ctx.channel(), "malformed HA frame: " + e.getMessage());
        } finally {
            frame.release();
        }
    }

    private void hello(ChannelHandlerContext ctx, int version, long slaveEnd, int segmentSize,
                       List<EpochFile.Entry> slaveEpochs) {
        int ours = store.config().mappedFileSizeCommitLog();
        long masterEnd = store.commitLogMaxOffset();
        long masterMin = store.commitLogMinOffset();
        List<EpochFile.Entry> masterEpochs = store.epochs().entries();
        long agreed = EpochFile.divergencePoint(slaveEpochs, slaveEnd, masterEpochs, masterEnd);
        String refusal = null;
        if (!takingSlaves.getAsBoolean()) {
            refusal = "this broker is not master (the controller elected another, or none yet)";
        } else if (version != HaFrames.VERSION) {
            refusal = "HA protocol version " + version + " is not " + HaFrames.VERSION;
        } else if (segmentSize != ours) {
            refusal = "the slave's mappedFileSizeCommitLog " + segmentSize + " differs from the master's " + ours
                    + " (a copy keeps the master's segments)";
        } else if (agreed < 0) {
            refusal = "the slave's epochs " + slaveEpochs + " have none in common with the master's " + masterEpochs
                    + " (log ends: slave " + slaveEnd + ", master " + masterEnd + "): move the slave's data directory "
                    + "aside and start it empty";
        } else if (agreed > 0 && agreed < masterMin) {
            refusal = "the slave's commit log agrees with the master's up to " + agreed + " only, below the master's "
                    + "oldest segment "
                    + masterMin + " (deleted by retention): start the slave with an empty data directory";
        }
        if (refusal != null) {
            LOG.warn("HA: refusing slave {}: {}", ctx.channel().remoteAddress(), refusal);
            HaFrames.refuse(ctx.channel(), refusal);
            return;
        }
        if (agreed < slaveEnd) {
            // The slave holds bytes after the last epoch it shares with this master (a former master that wrote past
            // what its slave had): WELCOME tells it to cut there, into its quarantine/, before the stream resumes.
            LOG.warn("HA: slave {} diverged: it cuts {} bytes from offset {} (slave epochs {}, master epochs {})",
                    ctx.channel().remoteAddress(), slaveEnd - agreed, agreed, slaveEpochs, masterEpochs);
        }
        nextOffset = Math.max(agreed, masterMin);
        ackedWritten = agreed;
        ctx.writeAndFlush(HaFrames.welcome(ctx.alloc(), masterClientAddress, nextOffset, masterEpochs));
        LOG.info("HA: slave {} follows from offset {} (master log ends at {})", ctx.channel().remoteAddress(),
                nextOffset, masterEnd);
        replicas.connected(this);
        pump();
    }

    /** Records reached the master's file: send them (from any thread; at most one pump is queued). */
    void wakeUp() {
        ChannelHandlerContext ctx = context;
        if (ctx != null && nextOffset >= 0 && pumpQueued.compareAndSet(false, true)) {
            ctx.executor().execute(() -> {
                pumpQueued.set(false);
                pump();
            });
        }
    }

    /** Sends what the slave lacks while the connection takes it; on the event loop. */
    private void pump() {
        ChannelHandlerContext ctx = context;
        if (ctx == null || nextOffset < 0 || !ctx.channel().isActive()) {
            return;
        }
        boolean wrote = false;
        try {
            while (ctx.channel().isWritable()) {
                CommitLog.RawChunk chunk = store.readReplicable(nextOffset, HaFrames.CHUNK);
                if (chunk.records().hasRemaining()) {
                    ctx.write(HaFrames.data(ctx.alloc(), chunk.offset(), chunk.records()));
                    wrote = true;
                } else if (chunk.next() == nextOffset) {
                    break;                              // the slave has everything written so far
                }
                nextOffset = chunk.next();
            }
        } catch (IOException | RuntimeException e) {
            LOG.error("HA: cannot read the commit log at {} for slave {}", nextOffset, ctx.channel().remoteAddress(), e);
            ctx.close();
        }
        if (wrote) {
            ctx.flush();
        }
    }

    /**
     * Sends the sections of the master's state whose content differs from what this connection sent last (all of
     * them to a slave that just connected), after the log bytes written so far; on the event loop. The state travels
     * whatever the connection's backlog (its sections are small next to the log) but never beyond {@code maxFrame}:
     * a section that large is left out, and said so.
     */
    void sendState(List<ReplicatedState.Section> sections, int maxFrame) {
        ChannelHandlerContext ctx = context;
        if (ctx == null || nextOffset < 0 || !ctx.channel().isActive()) {
            return;
        }
        pump();
        List<ReplicatedState.Section> changed = new ArrayList<>();
        for (ReplicatedState.Section section : sections) {
            byte[] sent = stateSent.get(section.name());
            if (sent != section.content() && !java.util.Arrays.equals(sent, section.content())) {
                if (HaFrames.stateLength(List.of(section)) > maxFrame) {
                    LOG.error("HA: state section {} is {} bytes, over the HA frame limit {}: not sent to slave {}",
                            section.name(), section.content().length, maxFrame, ctx.channel().remoteAddress());
                    stateSent.put(section.name(), section.content());      // said once per change
                    continue;
                }
                changed.add(section);
            }
        }
        // One frame, or one per section when together they are over the limit.
        List<List<ReplicatedState.Section>> frames = HaFrames.stateLength(changed) <= maxFrame
                ? List.of(changed) : changed.stream().map(List::of).toList();
        for (List<ReplicatedState.Section> frame : frames) {
            if (!frame.isEmpty()) {
                ctx.writeAndFlush(HaFrames.state(ctx.alloc(), frame));
                for (ReplicatedState.Section section : frame) {
                    stateSent.put(section.name(), section.content());
                }
            }
        }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        pump();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (nextOffset >= 0) {
            LOG.warn("HA: slave {} disconnected (acknowledged {})", ctx.channel().remoteAddress(), ackedWritten);
        }
        replicas.disconnected(this);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        LOG.warn("HA: connection to slave {} failed: {}", ctx.channel().remoteAddress(), cause.toString());
        ctx.close();
    }

    @Override
    public String toString() {
        ChannelHandlerContext ctx = context;
        return "slave " + (slaveId.isEmpty() ? "" : slaveId + " ") + (ctx == null ? "?" : ctx.channel().remoteAddress()) + " written " + ackedWritten
                + " forced " + ackedForced;
    }
}
