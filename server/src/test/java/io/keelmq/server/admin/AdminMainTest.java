package io.keelmq.server.admin;

import io.keelmq.server.security.UserEntry;
import io.keelmq.server.security.UsersFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AdminMainTest {
    @TempDir
    Path dir;
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(String stdin, String... args) {
        out.reset();
        err.reset();
        return AdminMain.run(args, new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)), null,
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    private String out() {
        return out.toString(StandardCharsets.UTF_8);
    }

    @Test
    void addPasswdListRemove() throws Exception {
        Path file = dir.resolve("conf/users");
        String f = file.toString();
        assertEquals(0, run("", "user", "add", "--users-file", f, "alice", "--password", "Alice-pw1",
                "--roles", "admin,app"), err.toString());
        assertEquals(0, run("Bob-pw-from-stdin\n", "user", "add", "--users-file", f, "bob"), err.toString());
        assertEquals(1, run("", "user", "add", "--users-file", f, "bob", "--password", "x"));
        assertTrue(err.toString().contains("exists"), err.toString());

        UserEntry bob = UsersFile.read(file).get("bob");
        assertTrue(bob.password().matches("Bob-pw-from-stdin".toCharArray()));
        String text = Files.readString(file);
        assertFalse(text.contains("Alice-pw1") || text.contains("Bob-pw-from-stdin"), text);

        assertEquals(0, run("", "user", "list", "--users-file", f));
        assertEquals("alice\tadmin,app\nbob\t\n", out().replace("\r", ""));
        assertFalse(out().contains("PBKDF2"));

        assertEquals(0, run("", "user", "passwd", "--users-file", f, "alice", "--password", "Alice-pw2"));
        UserEntry alice = UsersFile.read(file).get("alice");
        assertTrue(alice.password().matches("Alice-pw2".toCharArray()));
        assertFalse(alice.password().matches("Alice-pw1".toCharArray()));
        assertEquals(List.of("admin", "app"), alice.roles(), "passwd keeps the roles");

        assertEquals(0, run("", "user", "remove", "--users-file", f, "bob"));
        assertEquals(List.of("alice"), List.copyOf(UsersFile.read(file).keySet()));
        assertEquals(1, run("", "user", "remove", "--users-file", f, "bob"));
        assertEquals(1, run("", "user", "passwd", "--users-file", f, "nobody", "--password", "x"));
    }

    @Test
    void badUsage() {
        assertEquals(2, run("", "user", "add", "alice"), "--users-file is required");
        assertEquals(2, run("", "user", "frobnicate", "--users-file", "x"));
        assertEquals(1, run("", "user", "add", "--users-file", dir.resolve("u").toString(), "al:ice",
                "--password", "x"));
        assertEquals(1, run("", "user", "add", "--users-file", dir.resolve("u").toString(), "alice"),
                "no password on stdin");
    }
}
