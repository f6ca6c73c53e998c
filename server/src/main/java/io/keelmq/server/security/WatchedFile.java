package io.keelmq.server.security;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;

/**
 * A broker file that a running broker re-reads when it changes (the users file, the authorization file):
 * before each use its modification time, size and file key are compared with those of the last read, and
 * the file is parsed again when they differ, so edits and atomic replacements apply without a restart.
 * A file that cannot be read or parsed while running is logged and the content loaded before stays in force.
 * Checks on hot paths (a permission check per SEND) use {@link #recent()}, which looks at the file at most every
 * {@value #RECHECK_MILLIS} ms, so a busy broker does not pay a file-system call per message.
 *
 * @param <T> what the file parses to
 */
final class WatchedFile<T> {
    private static final Logger LOG = LoggerFactory.getLogger(WatchedFile.class);

    /** Reads and parses the file; a malformed file is an IOException naming the line. */
    @FunctionalInterface
    interface Parser<T> {
        T parse(Path path) throws IOException;
    }

    /** How stale {@link #recent()} may be: a change applies within this time. */
    static final long RECHECK_MILLIS = 500;

    private final Path path;
    private final String what;
    private final Parser<T> parser;
    private final Function<T, String> summary;
    private T content;
    private Object stamp;
    private long checkedAtNanos;

    private WatchedFile(Path path, String what, Parser<T> parser, Function<T, String> summary) {
        this.path = path;
        this.what = what;
        this.parser = parser;
        this.summary = summary;
    }

    /**
     * Reads {@code path} now; failures (including {@link java.nio.file.NoSuchFileException}) are thrown.
     *
     * @param what the file's name in log lines ("users file")
     * @param summary what a reload log line says about the new content ("3 users")
     */
    static <T> WatchedFile<T> load(Path path, String what, Parser<T> parser, Function<T, String> summary)
            throws IOException {
        WatchedFile<T> file = new WatchedFile<>(path, what, parser, summary);
        file.stamp = stamp(path);
        file.content = parser.parse(path);
        file.checkedAtNanos = System.nanoTime();
        return file;
    }

    Path path() {
        return path;
    }

    /** The content, re-read first if the file changed since it was last looked at {@value #RECHECK_MILLIS} ms ago. */
    synchronized T recent() {
        if (System.nanoTime() - checkedAtNanos < RECHECK_MILLIS * 1_000_000) {
            return content;
        }
        return current();
    }

    /** The content, re-read first if the file changed. */
    synchronized T current() {
        checkedAtNanos = System.nanoTime();
        try {
            Object now = stamp(path);
            if (!Objects.equals(now, stamp)) {
                T reread = parser.parse(path);
                stamp = now;
                content = reread;
                LOG.info("{} {} changed: {}", what, path.toAbsolutePath(), summary.apply(content));
            }
        } catch (IOException e) {
            LOG.error("cannot re-read {} {}; keeping what was loaded before ({}): {}", what, path.toAbsolutePath(),
                    summary.apply(content), e.getMessage());
        }
        return content;
    }

    private static Object stamp(Path path) throws IOException {
        BasicFileAttributes attributes = Files.readAttributes(path, BasicFileAttributes.class);
        return List.of(attributes.lastModifiedTime(), attributes.size(), String.valueOf(attributes.fileKey()));
    }
}
