package io.keelmq.store.testing;

import io.keelmq.store.io.FileLayer;
import io.keelmq.store.io.StoreFile;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * An in-memory file system for tests that behaves like a disk under power loss: every
 * file has a live image (what reads see) and a durable image (what survives), and only
 * {@code force()} copies the one to the other. {@link #powerLoss()} returns the machine
 * after the power came back: a new layer holding only the durable images; this one is
 * dead and fails every call, like the process that was running on it.
 *
 * <p>It can also report a chosen disk usage, fail writes or forces, and hold forces at a
 * gate, so tests can see what the store answers before a force has happened. With a
 * {@link #capacity(long) capacity} it is a small file system: usage is what its files hold plus what
 * {@link #othersUse(long) others} use, and a write that would need more fails with "No space left on device".
 */
public final class SimulatedFileLayer implements FileLayer {

    private final Map<Path, MemFile> files = new ConcurrentHashMap<>();
    private final Set<Path> directories = ConcurrentHashMap.newKeySet();
    private final LongSupplier clock;
    private final Map<Path, AtomicLong> forcesByDirectory = new ConcurrentHashMap<>();
    private final Map<Path, AtomicLong> writesByDirectory = new ConcurrentHashMap<>();
    private final Map<Path, AtomicLong> readsByDirectory = new ConcurrentHashMap<>();
    /** Read side: any file operation; write side: the power loss. */
    private final java.util.concurrent.locks.ReentrantReadWriteLock machine =
            new java.util.concurrent.locks.ReentrantReadWriteLock();
    private volatile boolean dead;
    private volatile double usedRatio = 0.10;
    private volatile String failWrites;
    private volatile String failForces;
    private volatile Semaphore forceGate;
    private volatile Path failWritesUnder;
    private volatile long capacity;
    private volatile long othersUse;
    private final AtomicLong noSpaceFailures = new AtomicLong();
    private final AtomicLong failedWrites = new AtomicLong();
    /** Serialises the space check of growing writes, so two writes cannot both take the last free bytes. */
    private final Object space = new Object();

    public SimulatedFileLayer() {
        this(System::currentTimeMillis);
    }

    public SimulatedFileLayer(LongSupplier clock) {
        this.clock = clock;
    }

    private static final class MemFile {
        byte[] live = new byte[0];
        int liveLength;
        byte[] durable = new byte[0];
        int durableLength;
        int dirtyFrom = Integer.MAX_VALUE;
        long lastModified;

        synchronized void write(ByteBuffer src, long position, long now) {
            int at = Math.toIntExact(position);
            int length = src.remaining();
            live = grow(live, at + length);
            src.get(live, at, length);
            liveLength = Math.max(liveLength, at + length);
            dirtyFrom = Math.min(dirtyFrom, at);
            lastModified = now;
        }

        synchronized int read(ByteBuffer dst, long position) {
            int at = Math.toIntExact(position);
            int n = Math.max(0, Math.min(dst.remaining(), liveLength - at));
            if (n > 0) {
                dst.put(live, at, n);
            }
            return n;
        }

        synchronized void truncate(long size) {
            int to = Math.toIntExact(size);
            if (liveLength > to) {
                Arrays.fill(live, to, liveLength, (byte) 0);
                liveLength = to;
            }
            // A truncation is treated as immediately durable: the store only truncates
            // bytes it has not acknowledged, so either outcome is correct.
            if (durableLength > to) {
                Arrays.fill(durable, to, durableLength, (byte) 0);
                durableLength = to;
            }
        }

        synchronized void force() {
            if (dirtyFrom < liveLength) {
                durable = grow(durable, liveLength);
                System.arraycopy(live, dirtyFrom, durable, dirtyFrom, liveLength - dirtyFrom);
            }
            durableLength = liveLength;
            dirtyFrom = Integer.MAX_VALUE;
        }

        synchronized MemFile afterPowerLoss() {
            MemFile survivor = new MemFile();
            survivor.live = Arrays.copyOf(durable, durableLength);
            survivor.liveLength = durableLength;
            survivor.durable = Arrays.copyOf(durable, durableLength);
            survivor.durableLength = durableLength;
            survivor.lastModified = lastModified;
            return survivor;
        }

        synchronized boolean durableMatchesLive(long from, long to) {
            int start = Math.toIntExact(from);
            int end = Math.toIntExact(to);
            return end <= durableLength && end <= liveLength && Arrays.equals(live, start, end, durable, start, end);
        }

        synchronized boolean durableEquals(long position, byte[] expected) {
            int at = Math.toIntExact(position);
            return at + expected.length <= durableLength
                    && Arrays.equals(durable, at, at + expected.length, expected, 0, expected.length);
        }

        private static byte[] grow(byte[] bytes, int needed) {
            if (needed <= bytes.length) {
                return bytes;
            }
            return Arrays.copyOf(bytes, Math.max(needed, bytes.length * 2));
        }
    }

    /** The machine after a power cut: only forced bytes remain. This layer is dead from now on. */
    public SimulatedFileLayer powerLoss() {
        SimulatedFileLayer survivor = new SimulatedFileLayer(clock);
        machine.writeLock().lock();
        try {
            dead = true;
            files.forEach((path, file) -> survivor.files.put(path, file.afterPowerLoss()));
            survivor.directories.addAll(directories);
            survivor.usedRatio = usedRatio;
            survivor.capacity = capacity;
            survivor.othersUse = othersUse;
        } finally {
            machine.writeLock().unlock();
        }
        Semaphore gate = forceGate;
        if (gate != null) {
            gate.release(1_000_000);   // let a held force thread run into the dead layer
        }
        return survivor;
    }

    public void usedRatio(double ratio) {
        this.usedRatio = ratio;
    }

    /** Makes every data-file write fail with an I/O error carrying {@code message} (null: stop failing). */
    public void failWrites(String message) {
        this.failWrites = message;
    }

    /** Like {@link #failWrites(String)}, for files under {@code dir} only. */
    public void failWrites(String message, Path dir) {
        this.failWritesUnder = message == null ? null : key(dir);
        this.failWrites = message;
    }

    /** A file system of {@code bytes}: writes beyond it fail with ENOSPC, and usage is measured (0: unlimited). */
    public void capacity(long bytes) {
        this.capacity = bytes;
    }

    /** Bytes of the file system used by others (another program filling the disk between two samples). */
    public void othersUse(long bytes) {
        this.othersUse = bytes;
    }

    /** Writes refused with "No space left on device" so far. */
    public long noSpaceFailures() {
        return noSpaceFailures.get();
    }

    /** Writes failed by {@link #failWrites} so far. */
    public long failedWrites() {
        return failedWrites.get();
    }

    /** Bytes the files of this layer hold (their live images). */
    public long usedBytes() {
        long used = 0;
        for (MemFile file : files.values()) {
            synchronized (file) {
                used += file.liveLength;
            }
        }
        return used;
    }

    /** With a capacity: throws ENOSPC unless {@code growth} more bytes fit; call under {@link #space}. */
    private void needSpace(long growth) throws IOException {
        long limit = capacity;
        if (limit > 0 && growth > 0 && usedBytes() + othersUse + growth > limit) {
            noSpaceFailures.incrementAndGet();
            throw new IOException("No space left on device");
        }
    }

    public void failForces(String message) {
        this.failForces = message;
    }

    /** Holds every force until {@link #openForceGate()}. */
    public void closeForceGate() {
        forceGate = new Semaphore(0);
    }

    public void openForceGate() {
        Semaphore gate = forceGate;
        forceGate = null;
        if (gate != null) {
            gate.release(1_000_000);
        }
    }

    /** Forces made on files directly inside {@code dir}. */
    public long forces(Path dir) {
        AtomicLong count = forcesByDirectory.get(key(dir));
        return count == null ? 0 : count.get();
    }

    /** Writes (system calls, as it were) made to files directly inside {@code dir}. */
    public long writes(Path dir) {
        AtomicLong count = writesByDirectory.get(key(dir));
        return count == null ? 0 : count.get();
    }

    /** Reads made from files directly inside {@code dir}. */
    public long reads(Path dir) {
        AtomicLong count = readsByDirectory.get(key(dir));
        return count == null ? 0 : count.get();
    }

    /** Bytes of {@code path} that would survive a power loss now. */
    public long durableSize(Path path) {
        MemFile file = files.get(key(path));
        if (file == null) {
            return -1;
        }
        synchronized (file) {
            return file.durableLength;
        }
    }

    /**
     * True if the bytes now in {@code [from, to)} of {@code path} would survive a power loss. A durable
     * size says less: the commit log's file holds forced zeros ahead of its records.
     */
    public boolean isDurable(Path path, long from, long to) {
        MemFile file = files.get(key(path));
        return file != null && file.durableMatchesLive(from, to);
    }

    /** True if {@code expected} is in the durable image of {@code path} at {@code position}. */
    public boolean isDurable(Path path, long position, byte[] expected) {
        MemFile file = files.get(key(path));
        return file != null && file.durableEquals(position, expected);
    }

    /** Flips one bit of the live and durable images (a media error). */
    public void flipBit(Path path, long position, int bit) {
        MemFile file = files.get(key(path));
        synchronized (file) {
            int at = Math.toIntExact(position);
            file.live[at] ^= (byte) (1 << bit);
            if (at < file.durableLength) {
                file.durable[at] ^= (byte) (1 << bit);
            }
        }
    }

    public long size(Path path) {
        MemFile file = files.get(key(path));
        return file == null ? -1 : file.liveLength;
    }

    private static Path key(Path path) {
        return path.toAbsolutePath().normalize();
    }

    /** One file operation: it runs wholly before a power loss or fails after it. */
    private interface Operation<T> {
        T run() throws IOException;
    }

    /**
     * Runs {@code operation} while the machine is on. Operations hold the read side of
     * {@link #machine} and {@link #powerLoss()} takes the write side, so the cut is atomic:
     * a force that completed (and may be acknowledged) is in the surviving images, and one
     * that did not complete fails. Without this a force already under way could finish
     * after its file had been copied, and the store would acknowledge what the copy lacks.
     */
    private <T> T whileOn(Operation<T> operation) throws IOException {
        machine.readLock().lock();
        try {
            if (dead) {
                throw new IOException("simulated power loss: this machine is off");
            }
            return operation.run();
        } finally {
            machine.readLock().unlock();
        }
    }

    @Override
    public StoreFile open(Path path) throws IOException {
        Path key = key(path);
        MemFile file = whileOn(() -> {
            directories.add(key.getParent());
            return files.computeIfAbsent(key, p -> {
                MemFile created = new MemFile();
                created.lastModified = clock.getAsLong();
                return created;
            });
        });
        return new StoreFile() {
            private volatile boolean closed;

            private <T> T whileOpen(Operation<T> operation) throws IOException {
                return whileOn(() -> {
                    if (closed) {
                        throw new IOException("file closed: " + key);
                    }
                    return operation.run();
                });
            }

            @Override
            public void write(ByteBuffer src, long position) throws IOException {
                whileOpen(() -> {
                    String failure = failWrites;
                    Path under = failWritesUnder;
                    if (failure != null && (under == null || key.startsWith(under))) {
                        failedWrites.incrementAndGet();
                        throw new IOException(failure);
                    }
                    synchronized (space) {
                        long growth;
                        synchronized (file) {
                            growth = position + src.remaining() - file.liveLength;
                        }
                        needSpace(growth);
                        file.write(src, position, clock.getAsLong());
                    }
                    writesByDirectory.computeIfAbsent(key.getParent(), d -> new AtomicLong()).incrementAndGet();
                    return null;
                });
            }

            @Override
            public int read(ByteBuffer dst, long position) throws IOException {
                return whileOpen(() -> {
                    readsByDirectory.computeIfAbsent(key.getParent(), d -> new AtomicLong()).incrementAndGet();
                    return file.read(dst, position);
                });
            }

            @Override
            public long size() throws IOException {
                return whileOpen(() -> {
                    synchronized (file) {
                        return (long) file.liveLength;
                    }
                });
            }

            @Override
            public void truncate(long size) throws IOException {
                whileOpen(() -> {
                    file.truncate(size);
                    return null;
                });
            }

            @Override
            public void force() throws IOException {
                // Held at the gate outside the machine lock, so a power loss is not kept waiting.
                Semaphore gate = forceGate;
                if (gate != null) {
                    gate.acquireUninterruptibly();
                }
                whileOpen(() -> {
                    String failure = failForces;
                    if (failure != null) {
                        throw new IOException(failure);
                    }
                    file.force();
                    forcesByDirectory.computeIfAbsent(key.getParent(), d -> new AtomicLong()).incrementAndGet();
                    return null;
                });
            }

            @Override
            public void close() {
                closed = true;
            }
        };
    }

    @Override
    public List<Path> list(Path dir) throws IOException {
        Path parent = key(dir);
        return whileOn(() -> {
            TreeSet<Path> found = new TreeSet<>();
            for (Path path : files.keySet()) {
                if (parent.equals(path.getParent())) {
                    found.add(path);
                }
            }
            return new ArrayList<>(found);
        });
    }

    @Override
    public List<Path> listDirectories(Path dir) throws IOException {
        Path parent = key(dir);
        return whileOn(() -> {
            TreeSet<Path> found = new TreeSet<>();
            for (Path path : directories) {
                if (parent.equals(path.getParent())) {
                    found.add(path);
                }
            }
            return new ArrayList<>(found);
        });
    }

    @Override
    public boolean exists(Path path) {
        Path key = key(path);
        return files.containsKey(key) || directories.contains(key);
    }

    @Override
    public void delete(Path path) throws IOException {
        whileOn(() -> files.remove(key(path)));
    }

    @Override
    public void createDirectories(Path dir) throws IOException {
        whileOn(() -> {
            for (Path p = key(dir); p != null; p = p.getParent()) {
                directories.add(p);
            }
            return null;
        });
    }

    @Override
    public byte[] readAll(Path path) throws IOException {
        return whileOn(() -> {
            MemFile file = files.get(key(path));
            if (file == null) {
                return null;
            }
            synchronized (file) {
                return Arrays.copyOf(file.live, file.liveLength);
            }
        });
    }

    @Override
    public void writeAtomically(Path path, byte[] content) throws IOException {
        whileOn(() -> {
            // The real layer forces before and after the rename, so the new content is durable.
            synchronized (space) {
                needSpace(content.length);  // the temporary file exists next to the old one until the rename
            }
            MemFile replacement = new MemFile();
            replacement.write(ByteBuffer.wrap(content), 0, clock.getAsLong());
            replacement.force();
            files.put(key(path), replacement);
            directories.add(key(path).getParent());
            return null;
        });
    }

    @Override
    public long lastModified(Path path) throws IOException {
        return whileOn(() -> {
            MemFile file = files.get(key(path));
            if (file == null) {
                throw new java.nio.file.NoSuchFileException(path.toString());
            }
            synchronized (file) {
                return file.lastModified;
            }
        });
    }

    @Override
    public DiskSpace diskSpace(Path dir) throws IOException {
        return whileOn(() -> {
            long limit = capacity;
            if (limit > 0) {
                return new DiskSpace(Math.max(0, limit - usedBytes() - othersUse), limit);
            }
            long total = 100L << 30;
            return new DiskSpace(Math.round(total * (1 - usedRatio)), total);
        });
    }
}
