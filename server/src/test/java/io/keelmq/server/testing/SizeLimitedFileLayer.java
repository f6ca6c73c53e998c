package io.keelmq.server.testing;

import io.keelmq.store.io.ChannelFileLayer;
import io.keelmq.store.io.ForwardingFileLayer;
import io.keelmq.store.io.StoreFile;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * A small file system without root (no loop mount): the real files under {@code root}, as a file system of
 * {@code capacity} bytes. Its usage is the sum of the sizes of every file under {@code root}, whoever wrote it
 * (a test's ballast file included, so deleting that frees space); a write through this layer that would grow a
 * file past the capacity fails with "No space left on device", as the kernel's would.
 *
 * <p>Sizes are apparent sizes: a sparse ballast file counts whole, and costs the test no disk writes.
 *
 * <p>The {@link Mode} says how the store finds out that it is full.
 */
public final class SizeLimitedFileLayer extends ForwardingFileLayer {
    /** How the store finds out that the file system is full. */
    public enum Mode {
        /** From the usage it reports, and from a write that finds no space. */
        SEES,
        /**
         * Only from a write that finds no space: it reports itself empty whatever it holds, so the store's watermark
         * never sees it fill (a disk filled by someone else faster than any sampling).
         */
        BLIND,
        /**
         * Only from a force: it reports itself empty and takes every write, and a force fails with "No space left on
         * device" once its files hold more than the capacity (a file system that finds no room at writeback, as
         * thin-provisioned or network ones can).
         */
        FORCE_FAILS
    }

    private final Path root;
    private final long capacity;
    private final Mode mode;
    /** Usage as of the last walk plus what writes added since (a walk per write would cost too much); -1: unknown. */
    private long used = -1;

    public SizeLimitedFileLayer(Path root, long capacity) {
        this(root, capacity, Mode.SEES);
    }

    public SizeLimitedFileLayer(Path root, long capacity, Mode mode) {
        super(ChannelFileLayer.INSTANCE);
        this.root = root.toAbsolutePath().normalize();
        this.capacity = capacity;
        this.mode = mode;
    }

    /** Bytes held by the files under the root now. */
    public long usedBytes() throws IOException {
        if (!Files.isDirectory(root)) {
            return 0;
        }
        long[] sum = {0};
        // Files come and go while the broker runs (checkpoint.tmp lives for one rename): one that vanishes between
        // the listing and its size counts as nothing. Files.walk would throw NoSuchFileException for it, which a
        // FORCE_FAILS force passed on as the force's failure: a broken force that named a file, not the disk.
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) {
                if (attributes.isRegularFile()) {
                    sum[0] += attributes.size();
                }
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path file, IOException e) throws IOException {
                if (e instanceof NoSuchFileException) {
                    return FileVisitResult.CONTINUE;
                }
                throw e;
            }
        });
        return sum[0];
    }

    /** Throws ENOSPC unless {@code growth} more bytes fit; serialised so two writes cannot take the same bytes. */
    private synchronized void needSpace(long growth) throws IOException {
        if (growth <= 0 || mode == Mode.FORCE_FAILS) {
            return;
        }
        if (used < 0) {
            used = usedBytes();
        }
        if (used + growth > capacity) {
            throw new IOException("No space left on device");
        }
        used += growth;
    }

    @Override
    public StoreFile open(Path path) throws IOException {
        return new Forwarding(delegate.open(path)) {
            @Override
            public void write(ByteBuffer src, long position) throws IOException {
                synchronized (SizeLimitedFileLayer.this) {
                    needSpace(position + src.remaining() - file.size());
                    file.write(src, position);
                }
            }

            @Override
            public void force() throws IOException {
                if (mode == Mode.FORCE_FAILS && usedBytes() > capacity) {
                    throw new IOException("No space left on device");
                }
                file.force();
            }
        };
    }

    @Override
    public void writeAtomically(Path path, byte[] content) throws IOException {
        synchronized (this) {
            needSpace(content.length);      // the temporary copy exists next to the old file until the rename
            delegate.writeAtomically(path, content);
        }
    }

    @Override
    public synchronized DiskSpace diskSpace(Path dir) throws IOException {
        used = usedBytes();
        return new DiskSpace(mode == Mode.SEES ? Math.max(0, capacity - used) : capacity, capacity);
    }
}
