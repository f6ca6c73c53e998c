package io.keelmq.server.security;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AuthorizationRulesTest {

    private static AuthorizationRules rules(String... lines) throws IOException {
        return AuthorizationRules.parse(List.of(lines), "authz");
    }

    private static String error(String... lines) {
        return assertThrows(IOException.class, () -> rules(lines)).getMessage();
    }

    @Test
    void grantsAndDenies() throws IOException {
        AuthorizationRules rules = rules(
                "# who may do what",
                "",
                "grant send,consume on orders.* to app,admin",
                "grant consume on # to auditor",
                "deny consume on orders.secret");
        assertTrue(rules.allows(List.of("app"), Permission.SEND, "orders.eu"));
        assertTrue(rules.allows(List.of("x", "admin"), Permission.CONSUME, "orders.eu"));
        assertFalse(rules.allows(List.of("app"), Permission.BROWSE, "orders.eu"), "no line names browse");
        assertFalse(rules.allows(List.of("app"), Permission.SEND, "billing"), "no pattern matches");
        assertFalse(rules.allows(List.of("auditor"), Permission.CONSUME, "orders.eu"), "orders.* beats #");
        assertTrue(rules.allows(List.of("auditor"), Permission.CONSUME, "billing.eu"));
        assertFalse(rules.allows(List.of("app", "admin", "auditor"), Permission.CONSUME, "orders.secret"));
        assertTrue(rules.allows(List.of("app"), Permission.SEND, "orders.secret"), "deny names consume only");
        assertEquals(4, rules.size(), "one rule per (pattern, permission)");
    }

    @Test
    void theEarlierLineWinsBetweenPatternsOfTheSameShape() throws IOException {
        AuthorizationRules rules = rules("grant send on #.a.# to first", "grant send on #.b.# to second");
        AuthorizationRule deciding = rules.deciding(Permission.SEND, "a.b");
        assertEquals(1, deciding.line());
        assertEquals(Set.of("first"), deciding.roles());
        assertNull(rules.deciding(Permission.SEND, "c"));
    }

    @Test
    void grantsAnywhereLooksAtEveryLine() throws IOException {
        AuthorizationRules rules = rules("grant manage on orders.# to ops");
        assertTrue(rules.grantsAnywhere(List.of("ops"), Permission.MANAGE));
        assertFalse(rules.grantsAnywhere(List.of("app"), Permission.MANAGE));
    }

    @Test
    void malformedLinesAreReportedWithTheirNumber() {
        assertEquals("authz line 2 is malformed: unknown permission 'publish' (known: send, consume, browse, "
                + "createDurableSubscription, manage) (expected: grant PERMISSIONS on PATTERN to ROLES, or deny "
                + "PERMISSIONS on PATTERN)", error("grant send on a to x", "grant publish on b to x"));
        assertTrue(error("# ok", "", "allow send on a to x").startsWith("authz line 3 is malformed: a rule starts "
                + "with 'grant' or 'deny'"));
        assertTrue(error("grant send on a").startsWith("authz line 1 is malformed:"));
        assertTrue(error("grant send on a to x y").startsWith("authz line 1 is malformed:"));
        assertTrue(error("grant send at a to x").startsWith("authz line 1 is malformed:"));
        assertTrue(error("deny send on a to x").startsWith("authz line 1 is malformed:"));
        assertTrue(error("grant send on a..b to x").contains("line 1 is malformed: destination pattern 'a..b' "
                + "has an empty word"));
        assertTrue(error("grant send,,consume on a to x").startsWith("authz line 1 is malformed: unknown "
                + "permission ''"));
        assertTrue(error("grant send,send on a to x").contains("permission send is listed twice"));
        assertTrue(error("grant send on a to x,:y").startsWith("authz line 1 is malformed: bad role ':y'"));
        assertEquals("authz line 3: permission send on orders.* is already given on line 1",
                error("grant send,consume on orders.* to x", "grant browse on orders.* to x",
                        "grant send on orders.* to y"));
    }
}
