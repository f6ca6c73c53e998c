package io.keelmq.jms.transport;

import io.keelmq.protocol.frame.Frame;
import io.keelmq.protocol.frame.FrameCodec;
import io.keelmq.protocol.frame.FrameLimits;
import io.keelmq.protocol.frame.ProtocolException;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.util.List;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;

/**
 * {@code keel://host:port[,host:port...]} over a blocking socket: {@link #send} encodes the frame with the protocol
 * module's {@link FrameCodec} and writes it on the caller's thread under a lock, so a send costs the caller one
 * write call instead of a task for, and a wakeup of, an event loop. Frames from concurrent callers are written whole,
 * in the order the callers take the lock.
 *
 * <p>Incoming frames are decoded as {@code FrameDecoder} does (same limits, same errors) and reported in order, one at
 * a time, by whichever thread holds the read lock: the connection's daemon reader thread, or a caller waiting in
 * {@link #awaitDone} for an answer (leader/follower). A caller that reads its own answer is woken once, by the socket;
 * an answer read by the reader thread costs two wake-ups, the reader's and then the caller's. On 2 busy cores each
 * wake-up waited about 150 us for a CPU (schedstat, 16 producers sending synchronously), which is most of what a
 * synchronous send spends in the client. The reader thread steps aside while callers have been waiting for answers
 * within the last {@value #HANDOFF_MILLIS} ms and the listener expects no frame that no caller waits for (a pull
 * the broker holds, an asynchronous send's answer); it reads again once they go quiet, and at once when frames are
 * expected that nobody awaits. Frames the broker sends unasked (a heartbeat, the closing of the connection) are read
 * by the next caller or by the reader thread within about that long.
 *
 * <p>That is a thread per connection, where {@link NettyTcpTransport} shares a few event loops among all of them: a
 * JVM holding thousands of connections should use {@code tcpTransport=netty}.
 *
 * <p>A {@link Socket}, not a {@code SocketChannel}: interrupting a thread blocked on an interruptible channel closes
 * the channel, so one interrupted application thread would drop the connection of every session sharing it.
 *
 * <p>A blocking write waits while the broker does not read, and the thread writing may be the shared timer's
 * (heartbeats, timeouts of every connection). So one watchdog thread for the JVM looks at the open connections every
 * {@value #WATCHDOG_MILLIS} ms and drops, as lost, one whose write has made no progress for the connect timeout (the
 * request timeout): the blocked writer then fails instead of waiting for TCP to give up. Reads have a timeout of
 * {@value #READ_SLICE_MILLIS} ms so that a caller reading for its answer sees that answer fail (request timeout,
 * connection closed) or its thread interrupted, and the reader thread sees callers take over.
 *
 * <p>The addresses are tried in the order given until one accepts the connection, each bounded by the connect
 * timeout.
 */
public final class BlockingTcpTransport implements Transport {
    /** The send buffer is kept between sends unless a large frame grew it past this. */
    private static final int KEPT_BUFFER_BYTES = 256 * 1024;
    private static final int INITIAL_BUFFER_BYTES = 8 * 1024;
    private static final int READ_CHUNK_BYTES = 64 * 1024;
    /** Written in pieces of this size, so a large frame's progress is seen by the watchdog. */
    private static final int WRITE_CHUNK_BYTES = 64 * 1024;
    static final int WATCHDOG_MILLIS = 1000;
    /** The reader thread stays out of the callers' way this long after one waited for an answer. */
    static final int HANDOFF_MILLIS = 50;
    /** The longest a read blocks before its thread looks again at why it reads. */
    static final int READ_SLICE_MILLIS = 100;

    private final List<HostAndPort> addresses;
    private final int connectTimeoutMillis;
    private final long handoffNanos;
    private final FrameLimits limits = FrameLimits.DEFAULT;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final AtomicBoolean lossReported = new AtomicBoolean();
    private final ReentrantLock writeLock = new ReentrantLock();
    /** Guarded by {@link #writeLock}. */
    private ByteBuf sendBuffer = Unpooled.buffer(INITIAL_BUFFER_BYTES);

    private volatile Socket socket;
    private volatile OutputStream out;
    private volatile HostAndPort connectedTo;
    /** {@link System#nanoTime()} when the current write's last piece started; 0 while none is under way. */
    private volatile long writeProgressNanos;
    /** Why the watchdog closed the socket, for the reader to report; null otherwise. */
    private volatile IOException stalled;

    /** Held by the one thread reading from the socket: the reader thread or a caller in {@link #awaitDone}. */
    private final ReentrantLock readLock = new ReentrantLock();
    /** Callers in {@link #awaitDone} parked while another thread reads; the reader passes the lock to the first. */
    private final Queue<Thread> waitingCallers = new ConcurrentLinkedQueue<>();
    private volatile long lastCallerNanos;
    /** The reading side ended (loss reported, socket closed): nobody reads any more. */
    private volatile boolean readingEnded;
    private volatile Thread readerThread;
    private volatile TransportListener listener;
    /** Guarded by {@link #readLock}. */
    private InputStream input;
    /** Guarded by {@link #readLock}. */
    private ByteBuf in = Unpooled.buffer(READ_CHUNK_BYTES);

    public BlockingTcpTransport(List<HostAndPort> addresses, int connectTimeoutMillis) {
        this(addresses, connectTimeoutMillis, HANDOFF_MILLIS);
    }

    /** @param handoffMillis how long the reader thread stays out of the callers' way (tests lengthen it) */
    BlockingTcpTransport(List<HostAndPort> addresses, int connectTimeoutMillis, long handoffMillis) {
        if (addresses.isEmpty()) {
            throw new IllegalArgumentException("at least one broker address is needed");
        }
        this.addresses = List.copyOf(addresses);
        this.connectTimeoutMillis = connectTimeoutMillis;
        this.handoffNanos = TimeUnit.MILLISECONDS.toNanos(handoffMillis);
        this.lastCallerNanos = System.nanoTime() - 2 * handoffNanos;
    }

    @Override
    public void connect(TransportListener listener) throws IOException {
        Socket connected = HostAndPort.firstConnected(addresses, address -> {
            Socket s = connect(address);
            connectedTo = address;
            return s;
        });
        socket = connected;
        out = connected.getOutputStream();
        try {
            connected.setSoTimeout(READ_SLICE_MILLIS);
            input = connected.getInputStream();
        } catch (IOException e) {
            closeQuietly(connected);
            throw e;
        }
        this.listener = listener;
        Watchdog.watch(this); // before reading starts; forgotten when reading ends
        Thread reader = new Thread(this::readerLoop, "keel-tcp-reader-" + connectedTo);
        reader.setDaemon(true);
        readerThread = reader;
        reader.start();
    }

    private Socket connect(HostAndPort address) throws IOException {
        Socket s = new Socket();
        try {
            s.setTcpNoDelay(true);
            s.setKeepAlive(true);
            InetSocketAddress remote = new InetSocketAddress(address.host(), address.port());
            if (remote.isUnresolved()) {
                throw new IOException("unknown host " + address.host());
            }
            s.connect(remote, connectTimeoutMillis);
            return s;
        } catch (IOException e) {
            closeQuietly(s);
            throw new IOException("could not connect to " + address + ": " + e, e);
        }
    }

    @Override
    public CompletableFuture<Void> send(Frame frame) {
        OutputStream o = out;
        if (o == null || closed.get()) {
            return closedFailure();
        }
        writeLock.lock();
        try {
            ByteBuf buffer = sendBuffer;
            buffer.clear();
            try {
                // A frame over the broker's limits fails here, locally, with a ProtocolException naming the limit.
                FrameCodec.encode(frame, buffer, limits);
            } catch (RuntimeException e) {
                return CompletableFuture.failedFuture(e);
            }
            write(o, buffer);
            if (buffer.capacity() > KEPT_BUFFER_BYTES) {
                sendBuffer = Unpooled.buffer(INITIAL_BUFFER_BYTES);
            }
            return CompletableFuture.completedFuture(null);
        } catch (IOException e) {
            // A broken socket: the reader sees it too and reports the loss; unblock it in case it does not.
            if (closed.get()) {
                return closedFailure();
            }
            closeQuietly(socket);
            return CompletableFuture.failedFuture(
                    new IOException("connection to " + describe() + " failed: " + e, e));
        } finally {
            writeLock.unlock();
        }
    }

    private void write(OutputStream o, ByteBuf buffer) throws IOException {
        byte[] bytes = buffer.array();
        int offset = buffer.arrayOffset() + buffer.readerIndex();
        int end = offset + buffer.readableBytes();
        try {
            while (offset < end) {
                int length = Math.min(WRITE_CHUNK_BYTES, end - offset);
                writeProgressNanos = nonZero(System.nanoTime());
                o.write(bytes, offset, length);
                offset += length;
            }
        } finally {
            writeProgressNanos = 0;
        }
    }

    private static long nonZero(long nanos) {
        return nanos == 0 ? 1 : nanos;
    }

    private CompletableFuture<Void> closedFailure() {
        return CompletableFuture.failedFuture(new IOException("connection to " + describe() + " is closed"));
    }

    /** Closes the socket, which ends a blocked read or write; reading then ends unreported. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        closeQuietly(socket);
        // A parked reader thread would only notice at its next look; nothing is left to read.
        readingEnded = true;
        Thread reader = readerThread;
        if (reader != null) {
            LockSupport.unpark(reader);
        }
        Watchdog.forget(this);
        waitingCallers.forEach(LockSupport::unpark);
    }

    @Override
    public String describe() {
        HostAndPort address = connectedTo;
        return "keel://" + (address != null ? address : addresses.toString());
    }

    // ---------------------------------------------------------------- reading

    /**
     * Waits until {@code answer} is done, reading the connection meanwhile whenever no other thread does: frames read
     * go to the listener as the reader thread's would, in order, one at a time.
     */
    @Override
    public void awaitDone(CompletableFuture<?> answer) throws InterruptedException {
        if (answer.isDone()) {
            return;
        }
        Thread caller = Thread.currentThread();
        lastCallerNanos = System.nanoTime();
        answer.whenComplete((result, failure) -> LockSupport.unpark(caller));
        while (!answer.isDone()) {
            if (Thread.interrupted()) {
                throw new InterruptedException("interrupted while waiting for an answer from " + describe());
            }
            if (!readingEnded && readLock.tryLock()) {
                try {
                    while (!answer.isDone() && !readingEnded && !caller.isInterrupted()) {
                        readOnce();
                    }
                } finally {
                    readLock.unlock();
                    passReading();
                }
            } else {
                waitingCallers.add(caller);
                try {
                    // Added before looking: a reader that stops after this look finds this caller and unparks it.
                    if (!answer.isDone() && (readingEnded || readLock.isLocked())) {
                        LockSupport.parkNanos(this, TimeUnit.MILLISECONDS.toNanos(READ_SLICE_MILLIS));
                    }
                } finally {
                    waitingCallers.remove(caller);
                }
            }
        }
    }

    /** After a thread stopped reading: a waiting caller reads next, or the reader thread if frames nobody awaits are due. */
    private void passReading() {
        Thread next = waitingCallers.peek();
        if (next != null) {
            LockSupport.unpark(next);
        } else if (!callersLead()) {
            LockSupport.unpark(readerThread);
        }
    }

    /** True while callers read for themselves: one waited for an answer lately and no unawaited frame is due. */
    private boolean callersLead() {
        return System.nanoTime() - lastCallerNanos < handoffNanos && !listener.expectsUnawaitedFrames();
    }

    /** Wakes the reader thread unless some thread reads already (which passes reading on when it stops). */
    @Override
    public void framesExpected() {
        Thread reader = readerThread;
        if (reader != null && !readLock.isLocked()) {
            LockSupport.unpark(reader);
        }
    }

    private void readerLoop() {
        while (!readingEnded) {
            if (callersLead() || !readLock.tryLock()) {
                LockSupport.parkNanos(this, handoffNanos);
                continue;
            }
            try {
                do {
                    readOnce();
                } while (!readingEnded && !callersLead());
            } finally {
                readLock.unlock();
            }
            Thread next = waitingCallers.peek();
            if (next != null) {
                LockSupport.unpark(next);
            }
        }
    }

    /** One read (at most {@value #READ_SLICE_MILLIS} ms) and the frames it completes; under {@link #readLock}. */
    private void readOnce() {
        try {
            in.ensureWritable(READ_CHUNK_BYTES);
            int n;
            try {
                n = input.read(in.array(), in.arrayOffset() + in.writerIndex(), in.writableBytes());
            } catch (SocketTimeoutException e) {
                return;                     // nothing came: the thread looks again at why it reads
            }
            if (n < 0) {
                endReading(new IOException("connection to " + describe() + " was closed by the broker"));
                return;
            }
            in.writerIndex(in.writerIndex() + n);
            Frame frame;
            while ((frame = FrameCodec.decode(in, limits)) != null) {
                listener.onFrame(frame);
            }
            if (!in.isReadable() && in.capacity() > KEPT_BUFFER_BYTES) {
                in = Unpooled.buffer(READ_CHUNK_BYTES);
            } else {
                in.discardReadBytes();
            }
        } catch (ProtocolException e) {
            // The stream cannot be resynchronised: nothing after this is read.
            endReading(new IOException("the broker at " + describe() + " broke the protocol: " + e.getMessage(), e));
        } catch (IOException | RuntimeException e) {
            IOException why = stalled;
            endReading(why != null ? why : new IOException("connection to " + describe() + " failed: " + e, e));
        }
    }

    /** The connection is over for reading: report it (unless the client closed it) and wake whoever waits. */
    private void endReading(IOException cause) {
        readingEnded = true;
        try {
            reportLoss(listener, cause);
        } finally {
            closeQuietly(socket);
            Watchdog.forget(this);
            waitingCallers.forEach(LockSupport::unpark);
            LockSupport.unpark(readerThread);
        }
    }

    /** Called by the watchdog: closes the socket if a write has made no progress for the connect timeout. */
    private void closeIfWriteStalled(long now) {
        long started = writeProgressNanos;
        if (started != 0 && now - started > TimeUnit.MILLISECONDS.toNanos(connectTimeoutMillis)) {
            stalled = new IOException("connection to " + describe() + " lost: a write made no progress for "
                    + connectTimeoutMillis + " ms (the broker does not read)");
            closeQuietly(socket);
        }
    }

    /**
     * One daemon thread for every blocking transport of the JVM: started with the first open transport, stopped when
     * the last one is forgotten (see {@link SharedResource}).
     */
    private static final class Watchdog {
        private static final Set<BlockingTcpTransport> OPEN = ConcurrentHashMap.newKeySet();
        private static final SharedResource<Thread> THREAD = SharedResource.of("keel-tcp-watchdog",
                SharedResource.lifecycle(Watchdog::start, Thread::interrupt, (thread, millis) -> {
                    thread.join(Math.max(1, millis));
                    return !thread.isAlive();
                }));
        private static Thread current;

        private static Thread start() {
            Thread thread = new Thread(Watchdog::run, "keel-tcp-watchdog");
            thread.setDaemon(true);
            thread.start();
            return thread;
        }

        static synchronized void watch(BlockingTcpTransport transport) {
            if (OPEN.add(transport)) {
                current = THREAD.acquire();
            }
        }

        /** Idempotent: a transport is forgotten when its reading ends and again when it is closed. */
        static synchronized void forget(BlockingTcpTransport transport) {
            if (OPEN.remove(transport)) {
                THREAD.release(current);
            }
        }

        private static void run() {
            while (!Thread.currentThread().isInterrupted()) {
                try {
                    Thread.sleep(WATCHDOG_MILLIS);
                } catch (InterruptedException e) {
                    return;
                }
                long now = System.nanoTime();
                for (BlockingTcpTransport transport : OPEN) {
                    transport.closeIfWriteStalled(now);
                }
            }
        }
    }

    private void reportLoss(TransportListener listener, IOException cause) {
        if (!closed.get() && lossReported.compareAndSet(false, true)) {
            listener.onClosed(cause);
        }
    }

    private static void closeQuietly(Socket s) {
        if (s != null) {
            try {
                s.close();
            } catch (IOException ignored) {
                // closing anyway
            }
        }
    }
}
