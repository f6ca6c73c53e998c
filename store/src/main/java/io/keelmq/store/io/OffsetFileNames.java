package io.keelmq.store.io;

import java.nio.file.Path;

/**
 * Commit-log segments, consume-queue files and index files are named by the offset
 * they start at, in 20 digits, so that names sort as offsets do.
 */
public final class OffsetFileNames {
    private OffsetFileNames() {
    }

    public static String name(long offset) {
        return String.format("%020d", offset);
    }

    /** The file for {@code offset} in {@code dir}. */
    public static Path in(Path dir, long offset) {
        return dir.resolve(name(offset));
    }

    /** The offset a file is named by, or -1 if the name is not 20 digits. */
    public static long parse(Path path) {
        String name = path.getFileName().toString();
        if (name.length() != 20 || !name.chars().allMatch(Character::isDigit)) {
            return -1;
        }
        return Long.parseLong(name);
    }
}
