package io.keelmq.store.io;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * Every file operation the store makes goes through this interface. Production uses
 * {@link ChannelFileLayer}; tests substitute a layer that simulates a power loss by
 * forgetting whatever was written but not yet forced, which is how we prove that
 * {@code SYNC_FLUSH} acknowledges only durable records.
 */
public interface FileLayer {

    /** Opens {@code path} for reading and writing, creating it when absent. */
    StoreFile open(Path path) throws IOException;

    /** Regular files directly inside {@code dir}, sorted by name; empty if {@code dir} is absent. */
    List<Path> list(Path dir) throws IOException;

    /** Folders directly inside {@code dir}, sorted by name; empty if {@code dir} is absent. */
    List<Path> listDirectories(Path dir) throws IOException;

    boolean exists(Path path);

    /** Deletes {@code path} if present. */
    void delete(Path path) throws IOException;

    void createDirectories(Path dir) throws IOException;

    /** The whole content of a small file, or {@code null} if it does not exist. */
    byte[] readAll(Path path) throws IOException;

    /**
     * Replaces {@code path} with {@code content} so that after a crash either the old or
     * the new content is found, never a mix: write a temporary file, force it, rename
     * it over the target and force the directory.
     */
    void writeAtomically(Path path, byte[] content) throws IOException;

    /** Last modification time of {@code path} in epoch milliseconds. */
    long lastModified(Path path) throws IOException;

    /** Free and total bytes of the file system that holds {@code dir}. */
    DiskSpace diskSpace(Path dir) throws IOException;

    record DiskSpace(long usableBytes, long totalBytes) {
        public double usedRatio() {
            return totalBytes <= 0 ? 0.0 : 1.0 - (double) usableBytes / totalBytes;
        }
    }
}
