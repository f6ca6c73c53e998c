package io.keelmq.server.security;

import java.util.Set;

/**
 * One line of the authorization file: {@code permission} on destinations matching {@code pattern} is granted
 * to {@code roles} (empty for a {@code deny} line).
 *
 * @param line the line number in the file, for messages and to break ties between patterns of the same shape
 */
public record AuthorizationRule(DestinationPattern pattern, Permission permission, Set<String> roles, int line) {
    public AuthorizationRule {
        roles = Set.copyOf(roles);
    }
}
