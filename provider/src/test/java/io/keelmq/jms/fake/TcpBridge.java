package io.keelmq.jms.fake;

import io.keelmq.protocol.frame.Frame;
import io.keelmq.protocol.frame.FrameDecoder;
import io.keelmq.protocol.frame.FrameEncoder;
import io.keelmq.protocol.vm.FrameSink;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/** Puts a {@link FakeBroker} behind a TCP port, so the client's Netty transport can be tested end to end. */
public final class TcpBridge implements AutoCloseable {
    private final EventLoopGroup group = new NioEventLoopGroup(1);
    private final List<Channel> accepted = new CopyOnWriteArrayList<>();
    private final Channel server;

    public TcpBridge(FakeBroker broker) throws InterruptedException {
        server = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        accepted.add(ch);
                        ch.pipeline().addLast(new FrameDecoder(), new FrameEncoder(), new Bridge(broker));
                    }
                })
                .bind("127.0.0.1", 0).sync().channel();
    }

    public int port() {
        return ((InetSocketAddress) server.localAddress()).getPort();
    }

    /** Drops every accepted connection, as a crashed broker would. */
    public void dropConnections() {
        accepted.forEach(Channel::close);
    }

    @Override
    public void close() {
        server.close().awaitUninterruptibly();
        group.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS).awaitUninterruptibly();
    }

    private static final class Bridge extends SimpleChannelInboundHandler<Frame> {
        private final FakeBroker broker;
        private FrameSink toBroker;

        Bridge(FakeBroker broker) {
            this.broker = broker;
        }

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            toBroker = broker.connect(new FrameSink() {
                @Override
                public void accept(Frame frame) {
                    ctx.writeAndFlush(frame);
                }

                @Override
                public void closed() {
                    ctx.close();
                }
            });
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, Frame frame) {
            toBroker.accept(frame);
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            toBroker.closed();
        }
    }
}
