package io.keelmq.server.tls;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.net.ssl.SSLException;
import java.nio.channels.ClosedChannelException;

/**
 * Sits right after the {@link io.netty.handler.ssl.SslHandler}: a TLS failure (untrusted or missing client
 * certificate, no common protocol, handshake timeout, a corrupt record) is logged once as one line naming the
 * client's address, and the connection closed. Without it the failure would reach the connection handler as an
 * unexpected exception, logged with a stack trace and answered with a frame nobody can read.
 */
final class TlsHandshakeLogger extends ChannelInboundHandlerAdapter {
    static final String NAME = "tlsLog";
    private static final Logger LOG = LoggerFactory.getLogger(TlsHandshakeLogger.class);

    private boolean logged;

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) throws Exception {
        if (event instanceof SslHandshakeCompletionEvent completion && !completion.isSuccess()) {
            log(ctx, "TLS handshake", completion.cause());
            ctx.close();
        }
        super.userEventTriggered(ctx, event);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        SSLException tls = find(cause);
        if (tls == null) {
            ctx.fireExceptionCaught(cause);
            return;
        }
        log(ctx, "TLS", tls);
        ctx.close();
    }

    private void log(ChannelHandlerContext ctx, String what, Throwable cause) {
        if (!logged) {
            logged = true;
            LOG.info("{} with {} failed; closing: {}", what, ctx.channel().remoteAddress(), describe(cause));
        }
    }

    private static String describe(Throwable cause) {
        if (cause instanceof ClosedChannelException) {
            // What a client that distrusts the broker's certificate often does: it gives up without an alert.
            return "the client closed the connection during the handshake (does it trust the broker's certificate?)";
        }
        if (String.valueOf(cause.getMessage()).contains("Empty client certificate chain")) {
            return "the client presented no certificate, and tlsClientAuth=REQUIRE";
        }
        if (String.valueOf(cause.getMessage()).contains("certificate_unknown")) {
            return "the client does not accept the broker's certificate (untrusted, expired or not naming the host "
                    + "it connected to): " + cause.getMessage();
        }
        StringBuilder text = new StringBuilder(cause.getMessage() != null ? cause.getMessage() : cause.toString());
        for (Throwable c = cause.getCause(); c != null && c != c.getCause(); c = c.getCause()) {
            if (c.getMessage() != null && !text.toString().contains(c.getMessage())) {
                text.append(" (").append(c.getMessage()).append(')');
            }
        }
        return text.toString();
    }

    private static SSLException find(Throwable cause) {
        for (Throwable c = cause; c != null; c = c.getCause()) {
            if (c instanceof SSLException ssl) {
                return ssl;
            }
            if (c.getCause() == c) {
                break;
            }
        }
        return null;
    }
}
