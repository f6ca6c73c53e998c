package io.keelmq.server.security;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class UsersFileTest {
    @TempDir
    Path dir;

    @Test
    void roundTripKeepsHashesAndRolesAndStoresNoPlainText() throws IOException {
        Path file = dir.resolve("users");
        UserEntry alice = new UserEntry("alice", PasswordHash.create("s3cret-Alice".toCharArray()),
                List.of("admin", "app"));
        UserEntry bob = new UserEntry("bob", PasswordHash.create("hunter2-Bob".toCharArray()), List.of());
        UsersFile.write(file, List.of(alice, bob));

        Map<String, UserEntry> read = UsersFile.read(file);
        assertEquals(List.of("alice", "bob"), List.copyOf(read.keySet()));
        assertEquals(alice, read.get("alice"));
        assertEquals(List.of("admin", "app"), read.get("alice").roles());
        assertEquals(List.of(), read.get("bob").roles());
        assertTrue(read.get("alice").password().matches("s3cret-Alice".toCharArray()));
        assertFalse(read.get("alice").password().matches("s3cret-alice".toCharArray()));
        assertTrue(read.get("alice").password().iterations() >= 210_000);

        String text = Files.readString(file, StandardCharsets.UTF_8);
        assertFalse(text.contains("s3cret-Alice"), text);
        assertFalse(text.contains("hunter2-Bob"), text);
        assertTrue(text.contains("alice:PBKDF2-SHA256:210000:"), text);
        try (var listing = Files.list(dir)) {
            assertEquals(1, listing.count(), "no temporary file is left behind");
        }
    }

    @Test
    void saltsDiffer() {
        PasswordHash a = PasswordHash.create("same".toCharArray());
        PasswordHash b = PasswordHash.create("same".toCharArray());
        assertFalse(a.saltBase64().equals(b.saltBase64()));
        assertFalse(a.hashBase64().equals(b.hashBase64()));
    }

    @Test
    void commentsAndBlankLinesAreIgnoredAndBadLinesNamed() throws IOException {
        Path file = dir.resolve("users");
        String line = UsersFile.format(new UserEntry("carol", PasswordHash.create("pw".toCharArray()), List.of("r")));
        Files.writeString(file, "# a comment\n\n  " + line + "\n");
        assertEquals(List.of("r"), UsersFile.read(file).get("carol").roles());

        Files.writeString(file, "# ok\ncarol:plain:pw\n");
        IOException e = assertThrows(IOException.class, () -> UsersFile.read(file));
        assertTrue(e.getMessage().contains("line 2"), e.getMessage());
    }

    @Test
    void badNamesAreRefused() {
        PasswordHash hash = new PasswordHash(1, new byte[] {1}, new byte[] {2});
        assertThrows(IllegalArgumentException.class, () -> new UserEntry("a:b", hash, List.of()));
        assertThrows(IllegalArgumentException.class, () -> new UserEntry("", hash, List.of()));
        assertThrows(IllegalArgumentException.class, () -> new UserEntry("a", hash, List.of("x y")));
    }
}
