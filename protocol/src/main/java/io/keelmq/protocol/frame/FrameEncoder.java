package io.keelmq.protocol.frame;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.MessageToByteEncoder;

/**
 * Netty outbound handler writing {@link Frame}s with {@link FrameCodec}.
 *
 * <p>It checks outgoing frames against the peer's limits, so an oversized send fails
 * locally with a {@link ProtocolException} (wrapped by Netty in an EncoderException and
 * reported to the write's promise) instead of getting the connection closed by the peer.
 * Stateless, hence sharable between channels.
 */
@ChannelHandler.Sharable
public final class FrameEncoder extends MessageToByteEncoder<Frame> {
    private final FrameLimits peerLimits;

    /** An encoder assuming the peer uses {@link FrameLimits#DEFAULT}. */
    public FrameEncoder() {
        this(FrameLimits.DEFAULT);
    }

    public FrameEncoder(FrameLimits peerLimits) {
        super(Frame.class);
        this.peerLimits = peerLimits;
    }

    @Override
    protected void encode(ChannelHandlerContext ctx, Frame frame, ByteBuf out) {
        FrameCodec.encode(frame, out, peerLimits);
    }

    @Override
    protected ByteBuf allocateBuffer(ChannelHandlerContext ctx, Frame frame, boolean preferDirect) {
        // Sized for the body up front so a large frame is not copied on every buffer growth.
        int estimate = FrameCodec.LENGTH_FIELD_SIZE + FrameLimits.FIXED_HEADER_SIZE + 64 * frame.headers().size()
                + frame.bodyLength();
        return preferDirect ? ctx.alloc().ioBuffer(estimate) : ctx.alloc().heapBuffer(estimate);
    }
}
