package io.keelmq.server.persist;

import io.keelmq.store.io.ChannelFileLayer;
import io.keelmq.store.io.FileLayer;

import java.io.IOException;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A small text file of records, one per line, fields separated by single spaces and
 * URL-encoded so names may contain anything: a field is written {@code =} followed by
 * its encoded text, or {@code -} for null, so empty and null fields survive. Replaced as a whole through the store's
 * write-force-rename, so a crash leaves the old or the new content, never a mix.
 */
public final class AtomicTextFile {
    private final FileLayer layer;
    private final Path path;
    private final String header;

    public AtomicTextFile(Path path, String header) {
        this(ChannelFileLayer.INSTANCE, path, header);
    }

    public AtomicTextFile(FileLayer layer, Path path, String header) {
        this.layer = layer;
        this.path = path;
        this.header = header;
    }

    public Path path() {
        return path;
    }

    /** The records, each its decoded fields (null where null was written); empty when the file does not exist. */
    public List<String[]> read() throws IOException {
        byte[] bytes = layer.readAll(path);
        return bytes == null ? new ArrayList<>() : parse(bytes);
    }

    /** The records of a file's content (as {@link #read()} returns them): a slave gets its master's this way. */
    public static List<String[]> parse(byte[] bytes) {
        List<String[]> records = new ArrayList<>();
        for (String line : new String(bytes, StandardCharsets.UTF_8).split("\n")) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            String[] fields = line.trim().split(" ");
            for (int i = 0; i < fields.length; i++) {
                fields[i] = fields[i].startsWith("=")
                        ? URLDecoder.decode(fields[i].substring(1), StandardCharsets.UTF_8) : null;
            }
            records.add(fields);
        }
        return records;
    }

    /** Replaces the file with {@code records}. */
    public void write(List<String[]> records) throws IOException {
        StringBuilder out = new StringBuilder("# ").append(header).append('\n');
        for (String[] record : records) {
            for (int i = 0; i < record.length; i++) {
                out.append(i == 0 ? "" : " ").append(record[i] == null ? "-"
                        : "=" + URLEncoder.encode(record[i], StandardCharsets.UTF_8));
            }
            out.append('\n');
        }
        layer.createDirectories(path.getParent());
        layer.writeAtomically(path, out.toString().getBytes(StandardCharsets.UTF_8));
    }

    /** A malformed-file error naming the file and record. */
    public IOException malformed(String[] record, Exception cause) {
        return new IOException(path + " has a malformed record: " + java.util.Arrays.toString(record), cause);
    }
}
