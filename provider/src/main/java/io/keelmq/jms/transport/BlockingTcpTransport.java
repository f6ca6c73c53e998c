package io.keelmq.jms.transport;

import io.keelmq.protocol.frame.Frame;
import io.keelmq.protocol.frame.FrameCodec;
import io.keelmq.protocol.frame.FrameLimits;
import io.keelmq.protocol.frame.ProtocolException;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedSelectorException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
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
 * {@code keel://host:port[,host:port...]} written and read by the threads that need it: {@link #send} encodes the
 * frame with the protocol module's {@link FrameCodec} and writes it on the caller's thread under a lock, so a send
 * costs the caller one write call instead of a task for, and a wakeup of, an event loop. Frames from concurrent callers are written whole,
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
 * <p>A {@link SocketChannel} in non-blocking mode, waited on with a {@link Selector} of its own: a thread waiting
 * for bytes makes one {@code epoll_wait} and then one {@code read} per batch that arrives. (A {@code Socket} with a
 * read timeout, used before, costs three system calls per batch: the JDK tries a non-blocking read first, which
 * fails while the answer is on its way, polls, and reads again; under AUTO_ACKNOWLEDGE that is every message.)
 * Non-blocking, not blocking: interrupting a thread blocked on an interruptible channel closes the channel, so one
 * interrupted application thread would drop the connection of every session sharing it; non-blocking reads and
 * writes do not look at the interrupt, and an interrupt only ends a {@code select} early.
 *
 * <p>A write waits while the broker does not read, and the thread writing may be the shared timer's (heartbeats,
 * timeouts of every connection). So one watchdog thread for the JVM looks at the open connections every
 * {@value #WATCHDOG_MILLIS} ms and drops, as lost, one whose write has made no progress for the connect timeout (the
 * request timeout): the waiting writer then fails instead of waiting for TCP to give up. A wait for bytes to read
 * lasts at most {@value #READ_SLICE_MILLIS} ms so that a caller reading for its answer sees that answer fail (request
 * timeout, connection closed) or its thread interrupted, and the reader thread sees callers take over.
 *
 * <p>The addresses are tried in the order given until one accepts the connection, each bounded by the connect
 * timeout.
 */
public final class BlockingTcpTransport implements Transport {
    /** The send buffer is kept between sends unless a large frame grew it past this. */
    private static final int KEPT_BUFFER_BYTES = 256 * 1024;
    private static final int INITIAL_BUFFER_BYTES = 8 * 1024;
    private static final int READ_CHUNK_BYTES = 64 * 1024;
    static final int WATCHDOG_MILLIS = 1000;
    /** The reader thread stays out of the callers' way this long after one waited for an answer. */
    static final int HANDOFF_MILLIS = 50;
    /** The longest a read blocks before its thread looks again at why it reads. */
    static final int READ_SLICE_MILLIS = 100;
    /** The longest a write waits for room before its thread looks again whether the connection was closed. */
    private static final int WRITE_SLICE_MILLIS = 100;

    private final List<HostAndPort> addresses;
    private final int connectTimeoutMillis;
    private final long handoffNanos;
    private final FrameLimits limits = FrameLimits.DEFAULT;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final AtomicBoolean lossReported = new AtomicBoolean();
    private final ReentrantLock writeLock = new ReentrantLock();
    /** Guarded by {@link #writeLock}. */
    private ByteBuf sendBuffer = Unpooled.buffer(INITIAL_BUFFER_BYTES);
    /** Waits for room to write once the socket's send buffer is full; created then. Guarded by {@link #writeLock}. */
    private Selector writeSelector;
    /** {@link #writeSelector} as seen by the threads that close the connection. */
    private volatile Selector writeSelectorPublished;

    private volatile SocketChannel channel;
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
    /** Waits for bytes to read; used under {@link #readLock}, woken and closed by {@link #close()}. */
    private volatile Selector readSelector;
    /** Guarded by {@link #readLock}. */
    private ByteBuf in = Unpooled.buffer(READ_CHUNK_BYTES);
    /** The last read filled the buffer, so more may be there: read again before waiting. Guarded by {@link #readLock}. */
    private boolean moreMayBeThere;

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
        SocketChannel connected = HostAndPort.firstConnected(addresses, address -> {
            SocketChannel c = connect(address);
            connectedTo = address;
            return c;
        });
        try {
            Selector selector = Selector.open();
            connected.register(selector, SelectionKey.OP_READ);
            readSelector = selector;
        } catch (IOException e) {
            closeQuietly(connected);
            throw e;
        }
        channel = connected;
        this.listener = listener;
        Watchdog.watch(this); // before reading starts; forgotten when reading ends
        Thread reader = new Thread(this::readerLoop, "keel-tcp-reader-" + connectedTo);
        reader.setDaemon(true);
        readerThread = reader;
        reader.start();
    }

    /** Connects without blocking on the channel, so an interrupt of the connecting thread cannot close it. */
    private SocketChannel connect(HostAndPort address) throws IOException {
        SocketChannel c = SocketChannel.open();
        try (Selector selector = Selector.open()) {
            c.configureBlocking(false);
            c.setOption(StandardSocketOptions.TCP_NODELAY, true);
            c.setOption(StandardSocketOptions.SO_KEEPALIVE, true);
            InetSocketAddress remote = new InetSocketAddress(address.host(), address.port());
            if (remote.isUnresolved()) {
                throw new IOException("unknown host " + address.host());
            }
            if (!c.connect(remote)) {
                SelectionKey key = c.register(selector, SelectionKey.OP_CONNECT);
                long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(connectTimeoutMillis);
                while (!c.finishConnect()) {
                    long remaining = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
                    if (remaining <= 0) {
                        throw new IOException("connect timed out after " + connectTimeoutMillis + " ms");
                    }
                    selector.select(remaining);
                }
                key.cancel();
                selector.selectNow();           // the key leaves this selector before the channel joins another
            }
            return c;
        } catch (IOException e) {
            closeQuietly(c);
            throw new IOException("could not connect to " + address + ": " + e, e);
        }
    }

    @Override
    public CompletableFuture<Void> send(Frame frame) {
        SocketChannel o = channel;
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
            closeQuietly(channel);
            return CompletableFuture.failedFuture(
                    new IOException("connection to " + describe() + " failed: " + e, e));
        } finally {
            writeLock.unlock();
        }
    }

    /** Writes the whole buffer, waiting for room while the socket's send buffer is full; under {@link #writeLock}. */
    private void write(SocketChannel o, ByteBuf buffer) throws IOException {
        ByteBuffer bytes = buffer.nioBuffer();
        try {
            writeProgressNanos = nonZero(System.nanoTime());
            while (true) {
                if (o.write(bytes) > 0) {
                    writeProgressNanos = nonZero(System.nanoTime());
                }
                if (!bytes.hasRemaining()) {
                    return;
                }
                if (closed.get() || !o.isOpen()) {
                    IOException why = stalled;
                    throw why != null ? why : new IOException("the connection was closed during a write");
                }
                awaitRoomToWrite(o);
            }
        } catch (ClosedSelectorException e) {
            throw new IOException("the connection was closed during a write", e);
        } finally {
            writeProgressNanos = 0;
        }
    }

    private void awaitRoomToWrite(SocketChannel o) throws IOException {
        if (writeSelector == null) {
            writeSelector = Selector.open();
            writeSelectorPublished = writeSelector;
            if (closed.get()) {
                closeQuietly(writeSelector);    // close() ran before it could see this selector
            }
            o.register(writeSelector, SelectionKey.OP_WRITE);
        }
        writeSelector.select(WRITE_SLICE_MILLIS);
        writeSelector.selectedKeys().clear();
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
        closeQuietly(channel);
        closeSelectors();
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

    /** Whether some thread holds the read lock now (tests wait for the reader thread to step aside). */
    boolean someThreadReads() {
        return readLock.isLocked();
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

    /**
     * A wait for bytes (at most {@value #READ_SLICE_MILLIS} ms), one read and the frames it completes; under
     * {@link #readLock}. Waiting first: a thread reads when it expects an answer, which is rarely there yet, and a
     * read that finds nothing would be a system call for nothing.
     */
    private void readOnce() {
        try {
            if (!moreMayBeThere) {
                Selector selector = readSelector;
                int ready = selector.select(READ_SLICE_MILLIS);
                selector.selectedKeys().clear();
                if (ready == 0 && channel.isOpen()) {
                    return;                 // nothing came, or an interrupt: the thread looks again at why it reads
                }
                // A closed channel (the watchdog, a failed send) leaves the selector: the read below says why.
            }
            in.ensureWritable(READ_CHUNK_BYTES);
            int room = in.writableBytes();
            int n = channel.read(in.nioBuffer(in.writerIndex(), room));
            if (n < 0) {
                endReading(new IOException("connection to " + describe() + " was closed by the broker"));
                return;
            }
            moreMayBeThere = n == room;
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
            // A ClosedSelectorException or ClosedChannelException when the client closed meanwhile: not reported.
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
            closeQuietly(channel);
            closeSelectors();
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
            closeQuietly(channel);
            Selector selector = writeSelectorIfAny();
            if (selector != null) {
                selector.wakeup();          // the waiting writer looks at once and fails
            }
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

    /**
     * Wakes whoever waits on the selectors and closes them, which also closes the channel for good (a channel
     * registered with a selector keeps its socket until its keys leave the selector). Waiting threads fail at once.
     */
    private void closeSelectors() {
        closeQuietly(readSelector);
        closeQuietly(writeSelectorIfAny());
    }

    /** The write selector without taking {@link #writeLock} (a writer may hold it, waiting on the selector). */
    private Selector writeSelectorIfAny() {
        return writeSelectorPublished;
    }

    private static void closeQuietly(java.io.Closeable c) {
        if (c != null) {
            try {
                c.close();
            } catch (IOException ignored) {
                // closing anyway
            }
        }
    }
}
