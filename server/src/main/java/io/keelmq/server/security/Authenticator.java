package io.keelmq.server.security;

import io.keelmq.server.config.ConfigException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Checks HANDSHAKE credentials against the users file, re-read when it changes ({@link WatchedFile}),
 * so {@code keel-admin} changes apply without a restart. A file that cannot be read or parsed while
 * running is logged and the users already loaded stay in force.
 */
public final class Authenticator {
    private static final Logger LOG = LoggerFactory.getLogger(Authenticator.class);

    /** Checked for unknown users too, so the time taken does not tell whether a user exists. */
    private final PasswordHash dummy = PasswordHash.create("keelmq-no-such-user".toCharArray());
    private final WatchedFile<Map<String, UserEntry>> users;

    private Authenticator(WatchedFile<Map<String, UserEntry>> users) {
        this.users = users;
    }

    /** Loads {@code usersFile}; a missing or malformed file is a start-up error naming the key. */
    public static Authenticator load(Path usersFile) throws ConfigException {
        WatchedFile<Map<String, UserEntry>> users;
        try {
            users = WatchedFile.load(usersFile, "users file", UsersFile::read, read -> read.size() + " users");
        } catch (NoSuchFileException e) {
            throw new ConfigException("bad value '" + usersFile + "' for key usersFile: the file does not exist "
                    + "(create it with: keel-admin user add --users-file " + usersFile + " USER)");
        } catch (IOException e) {
            throw new ConfigException("bad value '" + usersFile + "' for key usersFile: " + e.getMessage());
        }
        LOG.info("authentication enabled: {} users in {}", users.current().size(), usersFile.toAbsolutePath());
        return new Authenticator(users);
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

    /**
     * The roles {@code user} has now (none if the user was removed since logging in), by a users file at most
     * {@value WatchedFile#RECHECK_MILLIS} ms old: asked at every permission check.
     */
    public List<String> rolesOf(String user) {
        UserEntry entry = user == null ? null : users.recent().get(user);
        return entry == null ? List.of() : entry.roles();
    }

    /** The users, re-read first if the file changed. */
    Map<String, UserEntry> current() {
        return users.current();
    }
}
