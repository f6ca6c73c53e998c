package io.keelmq.server.tls;

import io.keelmq.protocol.frame.ErrorCode;
import io.keelmq.protocol.frame.ProtocolException;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;

import java.net.InetSocketAddress;
import java.util.List;

/**
 * First handler of a TLS listener's connection: looks at the first record header and either puts the
 * {@link SslHandler} (and the {@link TlsHandshakeLogger} after it) in its place, or, when the client sent plain
 * text, refuses the connection with a framing error the rest of the pipeline turns into a plain-text error frame and
 * a single log line. A plain {@code keel://} client thus learns that it reached the TLS port and should use
 * {@code keel+ssl://}, instead of a bare connection reset from {@link SslHandler}'s NotSslRecordException.
 */
public final class TlsDetector extends ByteToMessageDecoder {
    /** A TLS record header's length: content type, version, length. */
    private static final int RECORD_HEADER = 5;

    private final SslContext context;
    private final long handshakeTimeoutMillis;
    private boolean refused;

    public TlsDetector(SslContext context, long handshakeTimeoutMillis) {
        this.context = context;
        this.handshakeTimeoutMillis = handshakeTimeoutMillis;
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        if (refused) {
            in.skipBytes(in.readableBytes());
            return;
        }
        if (in.readableBytes() < RECORD_HEADER) {
            return;
        }
        // SSLv2-compatible hellos are not probed: no TLS 1.2/1.3 client sends one.
        if (SslHandler.isEncrypted(in, false)) {
            SslHandler ssl = context.newHandler(ctx.alloc());
            ssl.setHandshakeTimeoutMillis(handshakeTimeoutMillis);
            // Replacing hands the bytes accumulated so far to the SslHandler.
            ctx.pipeline().addAfter(ctx.name(), TlsHandshakeLogger.NAME, new TlsHandshakeLogger());
            ctx.pipeline().replace(this, "ssl", ssl);
            return;
        }
        refused = true;
        in.skipBytes(in.readableBytes());
        String local = ctx.channel().localAddress() instanceof InetSocketAddress address
                ? address.getHostString() + ":" + address.getPort() : String.valueOf(ctx.channel().localAddress());
        ctx.fireExceptionCaught(new ProtocolException(ErrorCode.MALFORMED_FRAME, "handshake failed: the client's "
                + "first bytes are not TLS, but " + local + " is the broker's TLS port; connect with keel+ssl://"
                + local + " (or use keel:// on the plain listenPort)"));
    }
}
