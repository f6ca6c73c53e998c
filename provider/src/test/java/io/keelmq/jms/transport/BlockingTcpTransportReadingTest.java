package io.keelmq.jms.transport;

import io.keelmq.protocol.frame.Frame;
import io.keelmq.protocol.frame.FrameCodec;
import io.keelmq.protocol.frame.FrameLimits;
import io.keelmq.protocol.frame.RequestCode;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Who reads a {@link BlockingTcpTransport}'s connection: a caller in {@link Transport#awaitDone} reads its own answer
 * once callers lead, the reader thread reads what nobody awaits, and a waiting caller is released by its answer's
 * failure or an interrupt even when nothing arrives.
 */
class BlockingTcpTransportReadingTest {
    private static final int TIMEOUT_MILLIS = 5000;

    private final Tracker listener = new Tracker();
    private ServerSocket server;
    private Socket peer;
    private BlockingTcpTransport transport;

    @BeforeEach
    void listen() throws IOException {
        server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        server.setSoTimeout(TIMEOUT_MILLIS);
        connect(BlockingTcpTransport.HANDOFF_MILLIS);
    }

    private void connect(long handoffMillis) throws IOException {
        transport = new BlockingTcpTransport(List.of(new HostAndPort("127.0.0.1", server.getLocalPort())),
                TIMEOUT_MILLIS, handoffMillis);
        transport.connect(listener);
        peer = server.accept();
        peer.setSoTimeout(TIMEOUT_MILLIS);
    }

    @AfterEach
    void close() throws IOException {
        transport.close();
        peer.close();
        server.close();
    }

    /** Answers every request the client sends, as a broker would. */
    private Thread answerEverything() {
        Thread answerer = new Thread(() -> {
            try {
                InputStream input = peer.getInputStream();
                OutputStream output = peer.getOutputStream();
                ByteBuf in = Unpooled.buffer();
                byte[] chunk = new byte[8192];
                int n;
                while ((n = input.read(chunk)) > 0) {
                    in.writeBytes(chunk, 0, n);
                    Frame request;
                    while ((request = FrameCodec.decode(in, FrameLimits.DEFAULT)) != null) {
                        output.write(TcpTransportContractTest.encode(Frame.responseTo(request, Map.of("answer", "yes"), null)));
                    }
                }
            } catch (IOException ignored) {
                // the test is over
            }
        }, "peer-answerer");
        answerer.setDaemon(true);
        answerer.start();
        return answerer;
    }

    private CompletableFuture<Frame> call(long id) throws Exception {
        CompletableFuture<Frame> answer = listener.expect(id);
        transport.send(Frame.request(RequestCode.SEND, id, Map.of(), new byte[16])).get(TIMEOUT_MILLIS,
                TimeUnit.MILLISECONDS);
        return answer;
    }

    @Test
    void aCallerWaitingForItsAnswerReadsItOnItsOwnThread() throws Exception {
        listener.unawaitedFramesDue.set(false);
        answerEverything();
        String caller = Thread.currentThread().getName();
        for (long id = 1; id <= 20; id++) {
            CompletableFuture<Frame> answer = call(id);
            transport.awaitDone(answer);
            assertEquals("yes", answer.get().header("answer"));
            if (id >= 2) {
                // The first answer may be the reader thread's: it was reading before any caller waited.
                assertEquals(caller, listener.reportedOn.get(id), "answer " + id + " was read by another thread");
            }
        }
    }

    @Test
    void aRequestNobodyAwaitsSentRightAfterCallersLedIsReadByTheReaderThreadAtOnce() throws Exception {
        // The reader thread would stay out of the way for 60 s after a caller: only framesExpected() brings it back.
        transport.close();
        peer.close();
        connect(60_000);
        listener.unawaitedFramesDue.set(false);
        answerEverything();
        transport.awaitDone(call(1));                       // read by the reader thread, which then steps aside
        // Stepping aside takes it until its current wait for bytes ends (up to READ_SLICE_MILLIS, longer on a
        // loaded machine): a request sent before then has its answer read by the reader thread.
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(TIMEOUT_MILLIS);
        while (transport.someThreadReads() && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        transport.awaitDone(call(2));
        assertEquals(Thread.currentThread().getName(), listener.reportedOn.get(2L), "the caller led");
        // An answer nobody waits for in awaitDone (a held pull, an asynchronous send): the reader thread reads it.
        listener.unawaitedFramesDue.set(true);
        CompletableFuture<Frame> unawaited = call(3);
        transport.framesExpected();
        Frame frame = unawaited.get(TIMEOUT_MILLIS, TimeUnit.MILLISECONDS);
        assertEquals("yes", frame.header("answer"));
        assertTrue(listener.reportedOn.get(3L).startsWith("keel-tcp-reader"), listener.reportedOn.get(3L));
    }

    @Test
    void afterCallersGoQuietTheReaderThreadReadsWhatTheBrokerSendsUnasked() throws Exception {
        listener.unawaitedFramesDue.set(false);
        answerEverything();
        CompletableFuture<Frame> answer = call(1);
        transport.awaitDone(answer);
        peer.getOutputStream().write(TcpTransportContractTest.encode(Frame.oneway(RequestCode.HEARTBEAT, 77, Map.of(), null)));
        Frame heartbeat = listener.unasked.poll(TIMEOUT_MILLIS, TimeUnit.MILLISECONDS);
        assertNotNull(heartbeat, "nobody read the broker's heartbeat");
        assertEquals(77, heartbeat.correlationId());
    }

    @Test
    void aCallerReadingForAnAnswerThatNeverComesIsReleasedByItsFailure() throws Exception {
        listener.unawaitedFramesDue.set(false);
        CompletableFuture<Frame> answer = call(1);          // the peer never answers
        CompletableFuture.delayedExecutor(200, TimeUnit.MILLISECONDS)
                .execute(() -> answer.completeExceptionally(new IOException("request timed out")));
        long started = System.nanoTime();
        transport.awaitDone(answer);
        assertTrue(answer.isCompletedExceptionally());
        assertTrue(System.nanoTime() - started < TimeUnit.MILLISECONDS.toNanos(TIMEOUT_MILLIS), "released late");
        // The connection still works: a frame sent now is read.
        peer.getOutputStream().write(TcpTransportContractTest.encode(Frame.oneway(RequestCode.HEARTBEAT, 78, Map.of(), null)));
        assertNotNull(listener.unasked.poll(TIMEOUT_MILLIS, TimeUnit.MILLISECONDS), "nobody reads any more");
    }

    @Test
    void anInterruptedCallerStopsWaiting() throws Exception {
        listener.unawaitedFramesDue.set(false);
        CompletableFuture<Frame> answer = call(1);          // the peer never answers
        Thread caller = Thread.currentThread();
        CompletableFuture.delayedExecutor(200, TimeUnit.MILLISECONDS).execute(caller::interrupt);
        assertThrows(InterruptedException.class, () -> transport.awaitDone(answer));
        assertTrue(!Thread.interrupted(), "the interrupt was reported by the exception, the flag is cleared");
        assertNotEquals(true, answer.isDone());
        // The interrupt did not close the connection the caller was reading (an interruptible channel would have).
        answerEverything();
        CompletableFuture<Frame> next = call(2);
        transport.awaitDone(next);
        assertEquals("yes", next.get(TIMEOUT_MILLIS, TimeUnit.MILLISECONDS).header("answer"));
    }

    @Test
    void aThreadSendingWithItsInterruptFlagSetLeavesTheConnectionOpen() throws Exception {
        listener.unawaitedFramesDue.set(false);
        answerEverything();
        CompletableFuture<Frame> answer = listener.expect(1);
        Thread.currentThread().interrupt();
        try {
            transport.send(Frame.request(RequestCode.SEND, 1, Map.of(), new byte[16])).get(TIMEOUT_MILLIS,
                    TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            // get() saw the flag: the send itself was written before it looked
        } finally {
            Thread.interrupted();
        }
        assertEquals("yes", answer.get(TIMEOUT_MILLIS, TimeUnit.MILLISECONDS).header("answer"));
        CompletableFuture<Frame> next = call(2);
        transport.awaitDone(next);
        assertEquals("yes", next.get(TIMEOUT_MILLIS, TimeUnit.MILLISECONDS).header("answer"));
    }

    /** Stands in for the provider's request tracker: completes the future of each answer, notes the thread. */
    private static final class Tracker implements TransportListener {
        final Map<Long, CompletableFuture<Frame>> pending = new ConcurrentHashMap<>();
        final Map<Long, String> reportedOn = new ConcurrentHashMap<>();
        final BlockingQueue<Frame> unasked = new LinkedBlockingQueue<>();
        final AtomicBoolean unawaitedFramesDue = new AtomicBoolean(true);

        CompletableFuture<Frame> expect(long id) {
            CompletableFuture<Frame> future = new CompletableFuture<>();
            pending.put(id, future);
            return future;
        }

        @Override
        public void onFrame(Frame frame) {
            if (!frame.isResponse()) {
                unasked.add(frame);
                return;
            }
            reportedOn.put(frame.correlationId(), Thread.currentThread().getName());
            CompletableFuture<Frame> future = pending.remove(frame.correlationId());
            if (future != null) {
                future.complete(frame);
            }
        }

        @Override
        public void onClosed(Throwable cause) {
            pending.values().forEach(f -> f.completeExceptionally(cause));
        }

        @Override
        public boolean expectsUnawaitedFrames() {
            return unawaitedFramesDue.get();
        }
    }
}
