package io.keelmq.server.security;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The authorization file: who may do what on which destinations. UTF-8 text, one rule a line:
 * <pre>
 * # comment lines start with '#'; blank lines are ignored
 * grant send,consume on orders.* to app,admin
 * grant browse on orders.# to ops
 * grant manage on # to admin
 * deny consume on orders.audit
 * </pre>
 * {@code grant PERMISSIONS on PATTERN to ROLES} grants each of the comma-separated permissions ({@code send},
 * {@code consume}, {@code browse}, {@code createDurableSubscription}, {@code manage}) on the destinations whose
 * name matches PATTERN ({@link DestinationPattern}: {@code *} one word, {@code #} any number of words) to the
 * comma-separated roles of the users file. {@code deny PERMISSIONS on PATTERN} grants them to no role, to close a
 * part of a wider grant. Patterns match queue and topic names alike.
 *
 * <p>Deciding: for one action on one destination, among the lines naming that permission whose pattern matches
 * the destination's name, the most specific pattern wins ({@link DestinationPattern#compareSpecificity}; between
 * patterns of the same shape, the earlier line); the user may act if they hold one of its roles. When no line
 * names the permission for that destination, the action is denied.
 *
 * <p>Strict: anything else on a line, an unknown permission, a bad pattern or role name, or a permission given
 * twice for one pattern is an error naming the line.
 */
public final class AuthorizationRules {
    private final Map<Permission, List<AuthorizationRule>> byPermission = new EnumMap<>(Permission.class);
    private final int lineCount;

    private AuthorizationRules(List<AuthorizationRule> rules) {
        for (Permission permission : Permission.values()) {
            byPermission.put(permission, new ArrayList<>());
        }
        for (AuthorizationRule rule : rules) {
            byPermission.get(rule.permission()).add(rule);
        }
        this.lineCount = rules.size();
    }

    /** Reads and checks {@code path}. */
    public static AuthorizationRules read(Path path) throws IOException {
        return parse(Files.readAllLines(path, StandardCharsets.UTF_8), path.toString());
    }

    /** @param source the file's name in error messages */
    static AuthorizationRules parse(List<String> lines, String source) throws IOException {
        List<AuthorizationRule> rules = new ArrayList<>();
        Map<String, Integer> given = new HashMap<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            int number = i + 1;
            List<AuthorizationRule> parsed;
            try {
                parsed = parseLine(line, number);
            } catch (IllegalArgumentException e) {
                throw new IOException(source + " line " + number + " is malformed: " + e.getMessage()
                        + " (expected: grant PERMISSIONS on PATTERN to ROLES, or deny PERMISSIONS on PATTERN)", e);
            }
            for (AuthorizationRule rule : parsed) {
                Integer earlier = given.putIfAbsent(rule.permission() + " " + rule.pattern(), number);
                if (earlier != null) {
                    throw new IOException(source + " line " + number + ": permission " + rule.permission() + " on "
                            + rule.pattern() + " is already given on line " + earlier);
                }
                rules.add(rule);
            }
        }
        return new AuthorizationRules(rules);
    }

    private static List<AuthorizationRule> parseLine(String line, int number) {
        String[] fields = line.split("\\s+");
        boolean grant = fields[0].equals("grant");
        if (!grant && !fields[0].equals("deny")) {
            throw new IllegalArgumentException("a rule starts with 'grant' or 'deny', not '" + fields[0] + "'");
        }
        int expected = grant ? 6 : 4;
        if (fields.length != expected || !fields[2].equals("on") || (grant && !fields[4].equals("to"))) {
            throw new IllegalArgumentException("'" + line + "' does not have the form of a " + fields[0] + " rule");
        }
        Set<Permission> permissions = EnumSet.noneOf(Permission.class);
        for (String name : fields[1].split(",", -1)) {
            if (!permissions.add(Permission.named(name))) {
                throw new IllegalArgumentException("permission " + name + " is listed twice");
            }
        }
        DestinationPattern pattern = DestinationPattern.parse(fields[3]);
        Set<String> roles = new LinkedHashSet<>();
        if (grant) {
            for (String role : fields[5].split(",", -1)) {
                UserEntry.checkName(role, "role");
                roles.add(role);
            }
        }
        List<AuthorizationRule> rules = new ArrayList<>();
        for (Permission permission : permissions) {
            rules.add(new AuthorizationRule(pattern, permission, roles, number));
        }
        return rules;
    }

    /** The rule that decides {@code permission} on the destination called {@code name}, or null (denied). */
    public AuthorizationRule deciding(Permission permission, String name) {
        AuthorizationRule best = null;
        for (AuthorizationRule rule : byPermission.get(permission)) {
            if (rule.pattern().matches(name)
                    && (best == null || rule.pattern().compareSpecificity(best.pattern()) > 0)) {
                best = rule;   // rules are in line order: a later line of the same shape does not replace it
            }
        }
        return best;
    }

    /** Whether a user with {@code roles} may act with {@code permission} on the destination called {@code name}. */
    public boolean allows(Collection<String> roles, Permission permission, String name) {
        AuthorizationRule rule = deciding(permission, name);
        return rule != null && roles.stream().anyMatch(rule.roles()::contains);
    }

    /** Whether any line grants {@code permission} to one of {@code roles}, on whatever destinations. */
    public boolean grantsAnywhere(Collection<String> roles, Permission permission) {
        return byPermission.get(permission).stream().anyMatch(rule -> roles.stream().anyMatch(rule.roles()::contains));
    }

    /** Number of (pattern, permission) rules. */
    public int size() {
        return lineCount;
    }
}
