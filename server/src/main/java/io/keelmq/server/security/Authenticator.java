package io.keelmq.server.security;

import io.keelmq.server.config.ConfigException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Map;
import java.util.Objects;

/**
 * Checks HANDSHAKE credentials against the users file. Before each check it compares the file's
 * modification time, size and file key with those of the last read and re-reads it when they
 * differ, so {@code keel-admin} changes apply without a restart. A file that cannot be read or
 * parsed while running is logged and the users already loaded stay in force.
 */
public final class Authenticator {
    private static final Logger LOG = LoggerFactory.getLogger(Authenticator.class);

    private final Path path;
    /** Checked for unknown users too, so the time taken does not tell whether a user exists. */
    private final PasswordHash dummy = PasswordHash.create("keelmq-no-such-user".toCharArray());
    private Map<String, UserEntry> users;
    private Object stamp;

    private Authenticator(Path path) {
        this.path = path;
    }

    /** Loads {@code usersFile}; a missing or malformed file is a start-up error naming the key. */
    public static Authenticator load(Path usersFile) throws ConfigException {
        Authenticator authenticator = new Authenticator(usersFile);
        try {
            authenticator.stamp = stamp(usersFile);
            authenticator.users = UsersFile.read(usersFile);
        } catch (NoSuchFileException e) {
            throw new ConfigException("bad value '" + usersFile + "' for key usersFile: the file does not exist "
                    + "(create it with: keel-admin user add --users-file " + usersFile + " USER)");
        } catch (IOException e) {
            throw new ConfigException("bad value '" + usersFile + "' for key usersFile: " + e.getMessage());
        }
        LOG.info("authentication enabled: {} users in {}", authenticator.users.size(), usersFile.toAbsolutePath());
        return authenticator;
    }

    /**
     * The user if {@code password} is theirs, else null (unknown user, wrong or missing password).
     * Slow on purpose (PBKDF2): call it off the I/O threads.
     */
    public UserEntry authenticate(String user, String password) {
        UserEntry entry = current().get(user == null ? "" : user);
        char[] chars = (password == null ? "" : password).toCharArray();
        boolean matches = (entry == null ? dummy : entry.password()).matches(chars);
        return entry != null && matches && password != null ? entry : null;
    }

    /** The users, re-read first if the file changed. */
    synchronized Map<String, UserEntry> current() {
        try {
            Object now = stamp(path);
            if (!Objects.equals(now, stamp)) {
                Map<String, UserEntry> reread = UsersFile.read(path);
                stamp = now;
                users = reread;
                LOG.info("users file {} changed: {} users", path.toAbsolutePath(), users.size());
            }
        } catch (IOException e) {
            LOG.error("cannot re-read users file {}; keeping the {} users loaded before: {}", path.toAbsolutePath(),
                    users.size(), e.getMessage());
        }
        return users;
    }

    private static Object stamp(Path path) throws IOException {
        BasicFileAttributes attributes = Files.readAttributes(path, BasicFileAttributes.class);
        return java.util.List.of(attributes.lastModifiedTime(), attributes.size(),
                String.valueOf(attributes.fileKey()));
    }
}
