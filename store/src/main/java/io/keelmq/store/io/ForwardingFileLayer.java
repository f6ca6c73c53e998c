package io.keelmq.store.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.List;

/**
 * A {@link FileLayer} that passes every call to another; a subclass overrides what it changes (a layer that
 * fails some writes, counts forces, or limits the space), and {@link #open} wraps files in a {@link Forwarding}
 * file whose methods it overrides the same way.
 */
public abstract class ForwardingFileLayer implements FileLayer {
    protected final FileLayer delegate;

    protected ForwardingFileLayer(FileLayer delegate) {
        this.delegate = delegate;
    }

    /** A {@link StoreFile} that passes every call to another. */
    public static class Forwarding implements StoreFile {
        protected final StoreFile file;

        public Forwarding(StoreFile file) {
            this.file = file;
        }

        @Override
        public void write(ByteBuffer src, long position) throws IOException {
            file.write(src, position);
        }

        @Override
        public int read(ByteBuffer dst, long position) throws IOException {
            return file.read(dst, position);
        }

        @Override
        public long size() throws IOException {
            return file.size();
        }

        @Override
        public void truncate(long size) throws IOException {
            file.truncate(size);
        }

        @Override
        public void force() throws IOException {
            file.force();
        }

        @Override
        public void close() throws IOException {
            file.close();
        }
    }

    @Override
    public StoreFile open(Path path) throws IOException {
        return delegate.open(path);
    }

    @Override
    public List<Path> list(Path dir) throws IOException {
        return delegate.list(dir);
    }

    @Override
    public List<Path> listDirectories(Path dir) throws IOException {
        return delegate.listDirectories(dir);
    }

    @Override
    public boolean exists(Path path) {
        return delegate.exists(path);
    }

    @Override
    public void delete(Path path) throws IOException {
        delegate.delete(path);
    }

    @Override
    public void createDirectories(Path dir) throws IOException {
        delegate.createDirectories(dir);
    }

    @Override
    public byte[] readAll(Path path) throws IOException {
        return delegate.readAll(path);
    }

    @Override
    public void writeAtomically(Path path, byte[] content) throws IOException {
        delegate.writeAtomically(path, content);
    }

    @Override
    public long lastModified(Path path) throws IOException {
        return delegate.lastModified(path);
    }

    @Override
    public DiskSpace diskSpace(Path dir) throws IOException {
        return delegate.diskSpace(dir);
    }
}
