package io.keelmq.server.net;

import io.keelmq.protocol.frame.ErrorCode;
import io.keelmq.protocol.frame.Frame;
import io.keelmq.protocol.frame.ProtocolException;
import io.keelmq.protocol.frame.RequestCode;
import io.keelmq.server.connection.BrokerServices;
import io.keelmq.server.connection.Connection;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.timeout.IdleState;
import io.netty.handler.timeout.IdleStateEvent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The last handler of a TCP connection's pipeline: hands decoded frames to the transport-
 * neutral {@link Connection}, and turns transport events into connection events. A framing
 * violation costs only this connection: it is told why (CLOSE, ONEWAY|ERROR) and closed.
 */
final class ConnectionHandler extends ChannelInboundHandlerAdapter {
    private static final Logger LOG = LoggerFactory.getLogger(ConnectionHandler.class);

    private final BrokerServices services;
    private final long handshakeTimeoutMillis;
    private Connection connection;

    ConnectionHandler(BrokerServices services, long handshakeTimeoutMillis) {
        this.services = services;
        this.handshakeTimeoutMillis = handshakeTimeoutMillis;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        ChannelOutput output = new ChannelOutput(ctx.channel());
        Connection opened = Connection.open(output, services);
        connection = opened;
        output.handshakeTimeout(ctx.executor().schedule(() -> {
            if (opened.awaitingHandshake()) {
                opened.closeWithError(ErrorCode.ILLEGAL_STATE,
                        "no HANDSHAKE received within handshakeTimeoutMillis " + handshakeTimeoutMillis + " ms");
            }
        }, handshakeTimeoutMillis, TimeUnit.MILLISECONDS));
        ctx.fireChannelActive();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        connection.receivedOnIoThread((Frame) msg);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (connection != null) {
            connection.transportClosed();
        }
        ctx.fireChannelInactive();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
        if (event instanceof IdleStateEvent idle) {
            if (idle.state() == IdleState.READER_IDLE) {
                LOG.info("{}: nothing received for three heartbeat intervals; closing", connection);
                connection.close();
            } else if (idle.state() == IdleState.WRITER_IDLE) {
                ctx.writeAndFlush(Frame.oneway(RequestCode.HEARTBEAT, 0, Map.of(), null));
            }
            return;
        }
        ctx.fireUserEventTriggered(event);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ProtocolException violation = ProtocolException.findIn(cause);
        if (violation != null) {
            connection.closeWithError(violation.errorCode(), violation.getMessage());
        } else if (cause instanceof IOException) {
            LOG.debug("{}: {}", connection, cause.toString());
            ctx.close();
        } else {
            LOG.warn("{} failed; closing it", connection, cause);
            connection.closeWithError(ErrorCode.MALFORMED_FRAME, "cannot read the connection: " + cause);
        }
    }
}
