package io.keelmq.server.security;

import java.util.List;
import java.util.regex.Pattern;

/** One user of the users file: name, password hash and roles (possibly none). */
public record UserEntry(String name, PasswordHash password, List<String> roles) {
    private static final Pattern NAME = Pattern.compile("[^\\s:,#][^\\s:,]*");

    public UserEntry {
        checkName(name, "user name");
        for (String role : roles) {
            checkName(role, "role");
        }
        roles = List.copyOf(roles);
    }

    /** Names and roles: non-empty, no white space, ':' or ',', not starting with '#'. */
    public static void checkName(String name, String what) {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("bad " + what + " '" + name
                    + "': must be non-empty, without spaces, ':' or ',', and not start with '#'");
        }
    }
}
