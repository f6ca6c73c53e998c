package io.keelmq.jms.transport;

import io.keelmq.protocol.frame.Frame;
import io.keelmq.protocol.frame.FrameCodec;
import io.keelmq.protocol.frame.FrameLimits;
import io.keelmq.protocol.frame.ProtocolException;
import io.keelmq.protocol.frame.RequestCode;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The {@link Transport} contract for both {@code keel://} transports, against a raw socket peer that sees and
 * writes bytes: frames whole and in order both ways, loss reported once, a broken stream refused, close() quiet.
 */
class TcpTransportContractTest {
    private static final int TIMEOUT_MILLIS = 5000;

    private ServerSocket server;
    private Transport transport;
    private final Recorder listener = new Recorder();

    @BeforeEach
    void listen() throws IOException {
        server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        server.setSoTimeout(TIMEOUT_MILLIS);
    }

    @AfterEach
    void cleanUp() throws IOException {
        if (transport != null) {
            transport.close();
        }
        server.close();
    }

    private static Transport create(String type, List<HostAndPort> addresses) {
        return TcpTransportType.parse(type) == TcpTransportType.NETTY
                ? new NettyTcpTransport(addresses, TIMEOUT_MILLIS)
                : new BlockingTcpTransport(addresses, TIMEOUT_MILLIS);
    }

    private Socket connect(String type) throws IOException {
        transport = create(type, List.of(new HostAndPort("127.0.0.1", server.getLocalPort())));
        transport.connect(listener);
        Socket peer = server.accept();
        peer.setSoTimeout(TIMEOUT_MILLIS);
        return peer;
    }

    private static int unusedPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private static Frame frame(long id, byte[] body) {
        return Frame.oneway(RequestCode.SEND, id, Map.of("k", "v" + id), body);
    }

    /** A frame's bytes as the broker's encoder writes them. */
    static byte[] encode(Frame frame) {
        ByteBuf buf = Unpooled.buffer();
        FrameCodec.encode(frame, buf);
        byte[] bytes = new byte[buf.readableBytes()];
        buf.readBytes(bytes);
        return bytes;
    }

    /** Reads {@code count} frames as the broker's decoder would; fails on anything malformed. */
    private static List<Frame> readFrames(Socket peer, int count) throws IOException {
        List<Frame> frames = new ArrayList<>();
        ByteBuf in = Unpooled.buffer();
        InputStream input = peer.getInputStream();
        byte[] chunk = new byte[8192];
        while (frames.size() < count) {
            int n = input.read(chunk);
            if (n < 0) {
                throw new IOException("the client closed after " + frames.size() + " frames");
            }
            in.writeBytes(chunk, 0, n);
            Frame f;
            while ((f = FrameCodec.decode(in, FrameLimits.DEFAULT)) != null) {
                frames.add(f);
            }
            in.discardReadBytes();
        }
        return frames;
    }

    @ParameterizedTest
    @ValueSource(strings = {"blocking", "netty"})
    void framesFromConcurrentSendersArriveWholeAndInEachSendersOrder(String type) throws Exception {
        Socket peer = connect(type);
        int senders = 6;
        int perSender = 150;
        CountDownLatch start = new CountDownLatch(1);
        List<Thread> threads = new ArrayList<>();
        List<CompletableFuture<Void>> writes = java.util.Collections.synchronizedList(new ArrayList<>());
        for (int t = 0; t < senders; t++) {
            int sender = t;
            Thread thread = new Thread(() -> {
                try {
                    start.await();
                } catch (InterruptedException e) {
                    return;
                }
                for (int i = 0; i < perSender; i++) {
                    // Now and then a body far larger than a socket buffer, so a write takes several system calls.
                    byte[] body = new byte[i % 25 == 0 ? 300_000 : 100 + i];
                    ByteBuffer.wrap(body).putInt(sender).putInt(i);
                    body[body.length - 1] = (byte) i;
                    writes.add(transport.send(frame(sender * 1_000_000L + i, body)));
                }
            });
            thread.start();
            threads.add(thread);
        }
        start.countDown();
        List<Frame> frames = readFrames(peer, senders * perSender);
        for (Thread thread : threads) {
            thread.join();
        }
        for (CompletableFuture<Void> write : writes) {
            write.get(TIMEOUT_MILLIS, TimeUnit.MILLISECONDS);
        }
        int[] next = new int[senders];
        for (Frame f : frames) {
            ByteBuffer body = ByteBuffer.wrap(f.body());
            int sender = body.getInt();
            int i = body.getInt();
            assertEquals(next[sender]++, i, "sender " + sender + "'s frames out of order");
            assertEquals(sender * 1_000_000L + i, f.correlationId());
            assertEquals("v" + f.correlationId(), f.headers().get("k"));
            assertEquals(i % 25 == 0 ? 300_000 : 100 + i, f.body().length);
            assertEquals((byte) i, f.body()[f.body().length - 1]);
        }
        for (int count : next) {
            assertEquals(perSender, count);
        }
        assertNull(listener.closed.peek());
    }

    @ParameterizedTest
    @ValueSource(strings = {"blocking", "netty"})
    void framesFromThePeerAreReportedInOrderHoweverTheBytesAreSplit(String type) throws Exception {
        Socket peer = connect(type);
        java.io.ByteArrayOutputStream all = new java.io.ByteArrayOutputStream();
        int count = 500;
        for (int i = 0; i < count; i++) {
            all.write(encode(frame(i, new byte[i % 100 == 0 ? 200_000 : i])));
        }
        byte[] bytes = all.toByteArray();
        var out = peer.getOutputStream();
        for (int offset = 0, step = 1; offset < bytes.length; offset += step, step = step * 3 % 9973 + 1) {
            out.write(bytes, offset, Math.min(step, bytes.length - offset));
            out.flush();
        }
        for (int i = 0; i < count; i++) {
            Frame f = listener.frames.poll(TIMEOUT_MILLIS, TimeUnit.MILLISECONDS);
            assertNotNull(f, "frame " + i + " never reported");
            assertEquals(i, f.correlationId());
            assertEquals(i % 100 == 0 ? 200_000 : i, f.body().length);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"blocking", "netty"})
    void thePeerClosingIsReportedOnceAndLaterSendsFail(String type) throws Exception {
        Socket peer = connect(type);
        peer.close();
        Throwable cause = listener.closed.poll(TIMEOUT_MILLIS, TimeUnit.MILLISECONDS);
        assertNotNull(cause, "loss not reported");
        assertTrue(cause.getMessage().contains("127.0.0.1:" + server.getLocalPort()), cause.getMessage());
        // Writing to a socket the peer closed fails at the latest once the peer's reset is back.
        ExecutionException failed = assertThrows(ExecutionException.class, () -> {
            for (int i = 0; i < 100; i++) {
                transport.send(frame(i, new byte[1000])).get(TIMEOUT_MILLIS, TimeUnit.MILLISECONDS);
                Thread.sleep(10);
            }
        });
        assertTrue(failed.getCause() instanceof IOException, String.valueOf(failed.getCause()));
        transport.close();
        assertEquals(1, listener.closedCount.get());
    }

    @ParameterizedTest
    @ValueSource(strings = {"blocking", "netty"})
    void anOversizeFrameFromThePeerIsAProtocolErrorAndClosesTheConnection(String type) throws Exception {
        Socket peer = connect(type);
        ByteBuf header = Unpooled.buffer();
        header.writeInt(FrameLimits.DEFAULT_MAX_FRAME_SIZE + 1);
        peer.getOutputStream().write(header.array(), 0, 4);
        Throwable cause = listener.closed.poll(TIMEOUT_MILLIS, TimeUnit.MILLISECONDS);
        assertNotNull(cause, "protocol error not reported");
        assertTrue(cause.getMessage().contains("broke the protocol")
                && cause.getMessage().contains("maxFrameSize"), cause.getMessage());
        assertNotNull(ProtocolException.findIn(cause));
        assertEquals(-1, peer.getInputStream().read(), "the client should close the connection");
        assertTrue(listener.frames.isEmpty());
    }

    @ParameterizedTest
    @ValueSource(strings = {"blocking", "netty"})
    void aMalformedFrameFromThePeerIsAProtocolError(String type) throws Exception {
        Socket peer = connect(type);
        byte[] good = encode(frame(1, new byte[10]));
        byte[] bad = encode(frame(2, new byte[10]));
        bad[FrameCodec.LENGTH_FIELD_SIZE] = 99; // the version
        var out = peer.getOutputStream();
        out.write(good);
        out.write(bad);
        out.write(good);
        Throwable cause = listener.closed.poll(TIMEOUT_MILLIS, TimeUnit.MILLISECONDS);
        assertNotNull(cause, "protocol error not reported");
        assertTrue(cause.getMessage().contains("protocol version 99"), cause.getMessage());
        assertEquals(1, listener.frames.size(), "only the frame before the bad one is reported");
        assertEquals(-1, peer.getInputStream().read(), "the client should close the connection");
    }

    @ParameterizedTest
    @ValueSource(strings = {"blocking", "netty"})
    void anOversizeFrameToSendFailsLocallyAndTheConnectionStaysUsable(String type) throws Exception {
        Socket peer = connect(type);
        ExecutionException e = assertThrows(ExecutionException.class, () -> transport.send(
                frame(1, new byte[FrameLimits.DEFAULT_MAX_FRAME_SIZE + 1])).get(TIMEOUT_MILLIS, TimeUnit.MILLISECONDS));
        ProtocolException limit = ProtocolException.findIn(e.getCause());
        assertNotNull(limit, String.valueOf(e.getCause()));
        assertTrue(limit.getMessage().contains("maxFrameSize"), limit.getMessage());
        transport.send(frame(2, new byte[] {7})).get(TIMEOUT_MILLIS, TimeUnit.MILLISECONDS);
        Frame arrived = readFrames(peer, 1).get(0);
        assertEquals(2, arrived.correlationId());
        assertArrayEquals(new byte[] {7}, arrived.body());
    }

    @ParameterizedTest
    @ValueSource(strings = {"blocking", "netty"})
    void aDeadAddressIsSkippedForTheNextLiveOne(String type) throws Exception {
        int dead = unusedPort();
        transport = create(type, List.of(new HostAndPort("127.0.0.1", dead),
                new HostAndPort("127.0.0.1", server.getLocalPort())));
        transport.connect(listener);
        Socket peer = server.accept();
        assertTrue(transport.describe().contains("127.0.0.1:" + server.getLocalPort()), transport.describe());
        transport.send(frame(5, new byte[3])).get(TIMEOUT_MILLIS, TimeUnit.MILLISECONDS);
        assertEquals(5, readFrames(peer, 1).get(0).correlationId());
    }

    @ParameterizedTest
    @ValueSource(strings = {"blocking", "netty"})
    void onlyDeadAddressesFailNamingThem(String type) throws Exception {
        int dead = unusedPort();
        Transport t = create(type, List.of(new HostAndPort("127.0.0.1", dead)));
        IOException e = assertThrows(IOException.class, () -> t.connect(listener));
        assertTrue(e.getMessage().contains("127.0.0.1:" + dead), e.getMessage());
        t.close();
        assertEquals(0, listener.closedCount.get());
    }

    @ParameterizedTest
    @ValueSource(strings = {"blocking", "netty"})
    void closeIsIdempotentAndNotReported(String type) throws Exception {
        Socket peer = connect(type);
        transport.send(frame(1, new byte[1])).get(TIMEOUT_MILLIS, TimeUnit.MILLISECONDS);
        transport.close();
        transport.close();
        assertEquals(1, readFrames(peer, 1).size());
        assertEquals(-1, peer.getInputStream().read(), "the connection should be closed");
        ExecutionException e = assertThrows(ExecutionException.class,
                () -> transport.send(frame(2, new byte[1])).get(TIMEOUT_MILLIS, TimeUnit.MILLISECONDS));
        assertTrue(e.getCause() instanceof IOException, String.valueOf(e.getCause()));
        assertEquals(0, listener.closedCount.get());
    }

    @org.junit.jupiter.api.Test
    void aBlockingWriteTheBrokerNeverReadsEndsAsALostConnection() throws Exception {
        transport = new BlockingTcpTransport(List.of(new HostAndPort("127.0.0.1", server.getLocalPort())), 300);
        transport.connect(listener);
        Socket peer = server.accept(); // and never read
        CompletableFuture<CompletableFuture<Void>> send = CompletableFuture.supplyAsync(
                () -> transport.send(frame(1, new byte[FrameLimits.DEFAULT_MAX_BODY_SIZE])));
        Throwable cause = listener.closed.poll(TIMEOUT_MILLIS, TimeUnit.MILLISECONDS);
        assertNotNull(cause, "the stalled write was not noticed");
        assertTrue(cause.getMessage().contains("made no progress for 300 ms"), cause.getMessage());
        ExecutionException failed = assertThrows(ExecutionException.class,
                () -> send.get(TIMEOUT_MILLIS, TimeUnit.MILLISECONDS).get(TIMEOUT_MILLIS, TimeUnit.MILLISECONDS));
        assertTrue(failed.getCause() instanceof IOException, String.valueOf(failed.getCause()));
        peer.close();
        assertEquals(1, listener.closedCount.get());
    }

    private static final class Recorder implements TransportListener {
        final BlockingQueue<Frame> frames = new LinkedBlockingQueue<>();
        final BlockingQueue<Throwable> closed = new LinkedBlockingQueue<>();
        final AtomicInteger closedCount = new AtomicInteger();

        @Override
        public void onFrame(Frame frame) {
            frames.add(frame);
        }

        @Override
        public void onClosed(Throwable cause) {
            closedCount.incrementAndGet();
            closed.add(cause);
        }
    }
}
