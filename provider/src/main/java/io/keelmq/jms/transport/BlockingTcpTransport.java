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
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;

/**
 * {@code keel://host:port[,host:port...]} over a blocking socket: {@link #send} encodes the frame with the protocol
 * module's {@link FrameCodec} and writes it on the caller's thread under a lock, so a send costs the caller one
 * write call instead of a task for, and a wakeup of, an event loop. Frames from concurrent callers are written whole,
 * in the order the callers take the lock.
 *
 * <p>One daemon reader thread per connection decodes incoming frames as {@code FrameDecoder} does (same limits, same
 * errors) and reports them in order. That is a thread per connection, where {@link NettyTcpTransport} shares a few
 * event loops among all of them: a JVM holding thousands of connections should use {@code tcpTransport=netty}.
 *
 * <p>A {@link Socket}, not a {@code SocketChannel}: interrupting a thread blocked on an interruptible channel closes
 * the channel, so one interrupted application thread would drop the connection of every session sharing it.
 *
 * <p>A blocking write waits while the broker does not read, and the thread writing may be the shared timer's
 * (heartbeats, timeouts of every connection). So one watchdog thread for the JVM looks at the open connections every
 * {@value #WATCHDOG_MILLIS} ms and drops, as lost, one whose write has made no progress for the connect timeout (the
 * request timeout): the blocked writer then fails instead of waiting for TCP to give up. (A read timeout on the
 * socket would do it per connection, but makes the JDK poll before every read: a system call more per frame.)
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

    private final List<HostAndPort> addresses;
    private final int connectTimeoutMillis;
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

    public BlockingTcpTransport(List<HostAndPort> addresses, int connectTimeoutMillis) {
        if (addresses.isEmpty()) {
            throw new IllegalArgumentException("at least one broker address is needed");
        }
        this.addresses = List.copyOf(addresses);
        this.connectTimeoutMillis = connectTimeoutMillis;
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
        Watchdog.watch(this); // before the reader starts, which forgets it when it ends
        Thread reader = new Thread(() -> readLoop(connected, listener), "keel-tcp-reader-" + connectedTo);
        reader.setDaemon(true);
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

    /** Closes the socket, which ends a blocked read or write; the reader thread then ends unreported. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        closeQuietly(socket);
    }

    @Override
    public String describe() {
        HostAndPort address = connectedTo;
        return "keel://" + (address != null ? address : addresses.toString());
    }

    // ---------------------------------------------------------------- reading

    private void readLoop(Socket s, TransportListener listener) {
        ByteBuf in = Unpooled.buffer(READ_CHUNK_BYTES);
        try {
            InputStream input = s.getInputStream();
            while (true) {
                in.ensureWritable(READ_CHUNK_BYTES);
                int n = input.read(in.array(), in.arrayOffset() + in.writerIndex(), in.writableBytes());
                if (n < 0) {
                    reportLoss(listener, new IOException("connection to " + describe() + " was closed by the broker"));
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
            }
        } catch (ProtocolException e) {
            // The stream cannot be resynchronised: nothing after this is read.
            reportLoss(listener, new IOException("the broker at " + describe() + " broke the protocol: "
                    + e.getMessage(), e));
        } catch (IOException | RuntimeException e) {
            IOException why = stalled;
            reportLoss(listener, why != null ? why : new IOException("connection to " + describe() + " failed: " + e, e));
        } finally {
            closeQuietly(s);
            Watchdog.forget(this);
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

    /** One daemon thread for every blocking transport of the JVM, started with the first. */
    private static final class Watchdog {
        private static final Set<BlockingTcpTransport> OPEN = ConcurrentHashMap.newKeySet();

        static {
            Thread thread = new Thread(Watchdog::run, "keel-tcp-watchdog");
            thread.setDaemon(true);
            thread.start();
        }

        static void watch(BlockingTcpTransport transport) {
            OPEN.add(transport);
        }

        static void forget(BlockingTcpTransport transport) {
            OPEN.remove(transport);
        }

        private static void run() {
            while (true) {
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
