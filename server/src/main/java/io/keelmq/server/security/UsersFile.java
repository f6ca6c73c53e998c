package io.keelmq.server.security;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.channels.FileChannel;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The broker's users file, maintained with {@code bin/keel-admin user ...}. UTF-8 text, one user a line:
 * <pre>
 * # comment lines start with '#'; blank lines are ignored
 * alice:PBKDF2-SHA256:210000:SALT_BASE64:HASH_BASE64:admin,app
 * bob:PBKDF2-SHA256:210000:SALT_BASE64:HASH_BASE64:
 * </pre>
 * Fields: user name, hash scheme (only {@value PasswordHash#ALGORITHM}), iterations, salt and
 * derived key (standard base64), roles (comma-separated, may be empty). Passwords are never
 * stored, only their salted PBKDF2 hash. The file is replaced atomically (temporary file, force,
 * rename) and created readable by its owner only where the file system supports POSIX permissions.
 */
public final class UsersFile {
    static final String HEADER = "# KeelMQ users: user:" + PasswordHash.ALGORITHM
            + ":iterations:saltBase64:hashBase64:role1,role2 (maintained by bin/keel-admin)\n";

    private UsersFile() {
    }

    /** The users of {@code path}, in file order; an absent file has none. */
    public static Map<String, UserEntry> read(Path path) throws IOException {
        Map<String, UserEntry> users = new LinkedHashMap<>();
        if (!Files.exists(path)) {
            return users;
        }
        List<String> lines = Files.readAllLines(path, StandardCharsets.UTF_8);
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            UserEntry entry;
            try {
                entry = parse(line);
            } catch (RuntimeException e) {
                throw new IOException(path + " line " + (i + 1) + " is malformed: " + e.getMessage(), e);
            }
            if (users.put(entry.name(), entry) != null) {
                throw new IOException(path + " line " + (i + 1) + ": user '" + entry.name() + "' appears twice");
            }
        }
        return users;
    }

    static UserEntry parse(String line) {
        String[] fields = line.split(":", -1);
        if (fields.length != 6) {
            throw new IllegalArgumentException("expected 6 ':'-separated fields, found " + fields.length);
        }
        if (!fields[1].equals(PasswordHash.ALGORITHM)) {
            throw new IllegalArgumentException("unknown hash scheme '" + fields[1] + "'");
        }
        int iterations = Integer.parseInt(fields[2]);
        Base64.Decoder b64 = Base64.getDecoder();
        PasswordHash hash = new PasswordHash(iterations, b64.decode(fields[3]), b64.decode(fields[4]));
        List<String> roles = fields[5].isBlank() ? List.of() : Arrays.stream(fields[5].split(","))
                .map(String::strip).toList();
        return new UserEntry(fields[0], hash, roles);
    }

    static String format(UserEntry user) {
        PasswordHash hash = user.password();
        return user.name() + ":" + PasswordHash.ALGORITHM + ":" + hash.iterations() + ":" + hash.saltBase64() + ":"
                + hash.hashBase64() + ":" + String.join(",", user.roles());
    }

    /** Replaces {@code path} with {@code users}: temporary file in the same directory, forced, then renamed. */
    public static void write(Path path, Collection<UserEntry> users) throws IOException {
        StringBuilder out = new StringBuilder(HEADER);
        for (UserEntry user : users) {
            out.append(format(user)).append('\n');
        }
        Path absolute = path.toAbsolutePath();
        Path dir = absolute.getParent();
        Files.createDirectories(dir);
        Path tmp = FileSystems.getDefault().supportedFileAttributeViews().contains("posix")
                ? Files.createTempFile(dir, absolute.getFileName() + ".", ".tmp",
                        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")))
                : Files.createTempFile(dir, absolute.getFileName() + ".", ".tmp");
        try {
            try (FileChannel channel = FileChannel.open(tmp, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING)) {
                ByteBuffer buffer = ByteBuffer.wrap(out.toString().getBytes(StandardCharsets.UTF_8));
                while (buffer.hasRemaining()) {
                    channel.write(buffer);
                }
                channel.force(true);
            }
            try {
                Files.move(tmp, absolute, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, absolute, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /** Convenience for tools: the users as a mutable ordered list. */
    public static List<UserEntry> list(Path path) throws IOException {
        return new ArrayList<>(read(path).values());
    }
}
