package io.keelmq.server.net;

import io.keelmq.protocol.frame.Frame;
import io.keelmq.protocol.frame.RequestCode;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.channel.DefaultEventLoopGroup;
import io.netty.channel.local.LocalChannel;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/**
 * Frames leave in the order they were sent, whichever thread sends them: a worker's answer queued on the event loop
 * while the loop is busy, then an answer the loop itself sends (the I/O thread answering after its force, or claiming
 * for a held pull). Netty would write the loop's inline, ahead of the queued one; a standing pull's deliveries then
 * reached the client out of order (TopicJmsTest saw "tick 1" before "tick 0").
 */
class ChannelOutputOrderTest {
    private final DefaultEventLoopGroup loop = new DefaultEventLoopGroup(1);

    @AfterEach
    void stop() {
        loop.shutdownGracefully(0, 1, TimeUnit.SECONDS);
    }

    /** What the channel's pipeline saw written, in order (the recording handler stands in for the socket). */
    private final List<Object> written = Collections.synchronizedList(new ArrayList<>());
    private LocalChannel channel;

    /** An output on a channel of {@link #loop} whose pipeline records every write in {@link #written}. */
    private ChannelOutput recordingOutput() throws Exception {
        channel = new LocalChannel();
        channel.pipeline().addLast(new ChannelOutboundHandlerAdapter() {
            @Override
            public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
                written.add(msg);
                promise.setSuccess();
            }
        });
        loop.register(channel).get(5, TimeUnit.SECONDS);
        return new ChannelOutput(channel);
    }

    @Test
    void theLoopsOwnWriteWaitsForWritesQueuedBeforeIt() throws Exception {
        ChannelOutput output = recordingOutput();
        Frame first = Frame.request(RequestCode.PULL, 1, Map.of(), null);
        Frame second = Frame.request(RequestCode.PULL, 2, Map.of(), null);
        AtomicReference<Throwable> failure = new AtomicReference<>();

        channel.eventLoop().submit(() -> {
            // The loop is busy with this task: a worker's send now can only be queued behind it.
            Thread worker = new Thread(() -> output.send(first), "worker");
            worker.start();
            try {
                worker.join(5_000);
            } catch (InterruptedException e) {
                failure.set(e);
            }
            output.send(second);            // then the loop sends, after the worker's send returned
        }).get(10, TimeUnit.SECONDS);
        channel.eventLoop().submit(() -> { }).get(5, TimeUnit.SECONDS);   // everything queued so far has run

        assertNull(failure.get());
        assertEquals(List.of(first, second), written);
    }

    @Test
    void withNothingQueuedTheLoopWritesAtOnce() throws Exception {
        ChannelOutput output = recordingOutput();
        Frame frame = Frame.request(RequestCode.PULL, 1, Map.of(), null);

        List<Object> seenRightAfter = channel.eventLoop().submit(() -> {
            output.send(frame);
            return List.copyOf(written);
        }).get(5, TimeUnit.SECONDS);

        assertEquals(List.of(frame), seenRightAfter);
    }
}
