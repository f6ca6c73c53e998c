package io.keelmq.protocol.frame;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.util.List;

/**
 * Netty inbound handler turning the byte stream into {@link Frame}s.
 *
 * <p>Unlike a decoder that reserves a buffer of the announced length, this one never
 * allocates on the strength of a length field: bytes are only accumulated as they arrive,
 * and {@link FrameCodec#decode} rejects a length over {@link FrameLimits#maxFrameSize()}
 * as soon as the four length bytes are in.
 *
 * <p>A {@link ProtocolException} leaves the stream desynchronised (there is no way to find
 * the next frame boundary), so after the first one this decoder discards all further input;
 * the exception travels up the pipeline, where the server sends an error frame and closes
 * the connection. Netty delivers it wrapped in a DecoderException: see
 * {@link ProtocolException#findIn(Throwable)}.
 */
public final class FrameDecoder extends ByteToMessageDecoder {
    private final FrameLimits limits;
    private boolean failed;

    /** A decoder enforcing {@link FrameLimits#DEFAULT}. */
    public FrameDecoder() {
        this(FrameLimits.DEFAULT);
    }

    public FrameDecoder(FrameLimits limits) {
        this.limits = limits;
    }

    /** Whether a protocol violation was seen; from then on all input is discarded. */
    public boolean isFailed() {
        return failed;
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        if (failed) {
            in.skipBytes(in.readableBytes());
            return;
        }
        try {
            Frame frame = FrameCodec.decode(in, limits);
            if (frame != null) {
                out.add(frame);
            }
        } catch (ProtocolException e) {
            failed = true;
            in.skipBytes(in.readableBytes());
            throw e;
        }
    }
}
