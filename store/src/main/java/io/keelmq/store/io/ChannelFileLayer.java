package io.keelmq.store.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** The real file system, through {@link FileChannel}. */
public final class ChannelFileLayer implements FileLayer {

    public static final ChannelFileLayer INSTANCE = new ChannelFileLayer();

    private ChannelFileLayer() {
    }

    @Override
    public StoreFile open(Path path) throws IOException {
        FileChannel channel = FileChannel.open(path,
                StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
        return new ChannelStoreFile(channel);
    }

    @Override
    public List<Path> list(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> entries = Files.list(dir)) {
            List<Path> files = new ArrayList<>(entries.filter(Files::isRegularFile).toList());
            files.sort(null);
            return files;
        }
    }

    @Override
    public List<Path> listDirectories(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> entries = Files.list(dir)) {
            return entries.filter(Files::isDirectory).sorted().toList();
        }
    }

    @Override
    public boolean exists(Path path) {
        return Files.exists(path);
    }

    @Override
    public void delete(Path path) throws IOException {
        Files.deleteIfExists(path);
    }

    @Override
    public void createDirectories(Path dir) throws IOException {
        Files.createDirectories(dir);
    }

    @Override
    public byte[] readAll(Path path) throws IOException {
        try {
            return Files.readAllBytes(path);
        } catch (NoSuchFileException e) {
            return null;
        }
    }

    @Override
    public void writeAtomically(Path path, byte[] content) throws IOException {
        Path tmp = path.resolveSibling(path.getFileName() + ".tmp");
        try (FileChannel channel = FileChannel.open(tmp, StandardOpenOption.CREATE,
                StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE)) {
            ByteBuffer buffer = ByteBuffer.wrap(content);
            while (buffer.hasRemaining()) {
                channel.write(buffer);
            }
            channel.force(true);
        }
        try {
            Files.move(tmp, path, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(tmp, path, StandardCopyOption.REPLACE_EXISTING);
        }
        forceDirectory(path.toAbsolutePath().getParent());
    }

    /** A rename is durable only once its directory entry is; Linux allows fsync on a directory. */
    private static void forceDirectory(Path dir) {
        try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException e) {
            // Some platforms cannot open a directory; the rename itself has happened.
        }
    }

    @Override
    public long lastModified(Path path) throws IOException {
        return Files.getLastModifiedTime(path).toMillis();
    }

    @Override
    public DiskSpace diskSpace(Path dir) throws IOException {
        FileStore store = Files.getFileStore(dir);
        return new DiskSpace(store.getUsableSpace(), store.getTotalSpace());
    }

    private static final class ChannelStoreFile implements StoreFile {
        private final FileChannel channel;

        ChannelStoreFile(FileChannel channel) {
            this.channel = channel;
        }

        @Override
        public void write(ByteBuffer src, long position) throws IOException {
            long at = position;
            while (src.hasRemaining()) {
                at += channel.write(src, at);
            }
        }

        @Override
        public int read(ByteBuffer dst, long position) throws IOException {
            int total = 0;
            while (dst.hasRemaining()) {
                int n = channel.read(dst, position + total);
                if (n < 0) {
                    break;
                }
                total += n;
            }
            return total;
        }

        @Override
        public long size() throws IOException {
            return channel.size();
        }

        @Override
        public void truncate(long size) throws IOException {
            if (channel.size() > size) {
                channel.truncate(size);
            }
        }

        @Override
        public void force() throws IOException {
            // Data only: file length changes are covered because every segment write
            // that extends the file is followed by this force before it is acknowledged,
            // and fdatasync flushes the size when it changed.
            channel.force(false);
        }

        @Override
        public void close() throws IOException {
            channel.close();
        }
    }
}
