package io.keelmq.server.security;

import io.keelmq.protocol.frame.ErrorCode;
import io.keelmq.server.config.ConfigException;
import io.keelmq.protocol.message.DestinationRef;
import io.keelmq.server.destination.DestinationRegistry;
import io.keelmq.server.errors.RequestException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * Decides whether an authenticated user may act on a destination, by the roles the users file gives them now
 * and the rules of the authorization file ({@link AuthorizationRules}), re-read when it changes
 * ({@link WatchedFile}). Exists only when authentication is enabled. Without an authorization file every
 * authenticated user may do everything (the behaviour before authorization existed). A temporary destination is
 * always open to the connection that created it (the caller checks that); other connections are checked by its
 * name like any other destination.
 */
public final class Authorizer {
    private static final Logger LOG = LoggerFactory.getLogger(Authorizer.class);

    private final Authenticator authenticator;
    /** Null: no authorization file, every authenticated user may do everything. */
    private final WatchedFile<AuthorizationRules> rules;

    private Authorizer(Authenticator authenticator, WatchedFile<AuthorizationRules> rules) {
        this.authenticator = authenticator;
        this.rules = rules;
    }

    /** @param authorizationFile null for none; a missing or malformed file is a start-up error naming the key */
    public static Authorizer load(Authenticator authenticator, Path authorizationFile) throws ConfigException {
        if (authorizationFile == null) {
            LOG.warn("authorizationFile is not set: every authenticated user may send, consume, browse and manage "
                    + "on every destination");
            return new Authorizer(authenticator, null);
        }
        try {
            WatchedFile<AuthorizationRules> rules = WatchedFile.load(authorizationFile, "authorization file",
                    AuthorizationRules::read, read -> read.size() + " rules");
            LOG.info("authorization enabled: {} rules in {}", rules.current().size(),
                    authorizationFile.toAbsolutePath());
            return new Authorizer(authenticator, rules);
        } catch (NoSuchFileException e) {
            throw new ConfigException("bad value '" + authorizationFile
                    + "' for key authorizationFile: the file does not exist");
        } catch (IOException e) {
            throw new ConfigException("bad value '" + authorizationFile + "' for key authorizationFile: "
                    + e.getMessage());
        }
    }

    /**
     * Checks an action on a destination that is not a temporary one of the acting connection (the caller lets
     * those through).
     *
     * @param connection the acting connection, for the log
     * @throws RequestException SECURITY naming the user, the permission and the destination if denied
     */
    public void check(String user, Object connection, Permission permission, DestinationRef.Kind kind, String name) {
        if (!allows(user, permission, name)) {
            String destination = DestinationRegistry.describe(kind, name);
            LOG.info("denied: user '{}' on {} has no role granted {} on {}", user, connection, permission,
                    destination);
            throw denied(user, permission, destination);
        }
    }

    /** Whether {@code user} may act with {@code permission} on the destination called {@code name}. */
    public boolean allows(String user, Permission permission, String name) {
        return rules == null || rules.recent().allows(authenticator.rolesOf(user), permission, name);
    }

    /** Whether {@code user} holds {@code permission} on some destination pattern (ADMIN needs manage somewhere). */
    public boolean grantsAnywhere(String user, Permission permission) {
        return rules == null || rules.recent().grantsAnywhere(authenticator.rolesOf(user), permission);
    }

    public static RequestException denied(String user, Permission permission, String what) {
        return new RequestException(ErrorCode.SECURITY, "user '" + user + "' is not allowed to " + permission
                + " on " + what);
    }
}
