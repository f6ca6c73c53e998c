package io.keelmq.server.ha.controller;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The controller's snapshot file: all of the state survives a round trip; a damaged file is refused by name. */
class ControllerSnapshotTest {
    @TempDir
    Path dir;

    /** Two groups: one with a master of epoch 3 and a two-member in-sync set, one never elected. */
    private static List<GroupView> groups() {
        ControllerState state = new ControllerState();
        state.apply("REGISTER\tg1\ta\t127.0.0.1:1\t127.0.0.1:2\t3000");
        state.apply("REGISTER\tg1\tb\t127.0.0.1:3\t127.0.0.1:4\t4000");
        state.apply("REGISTER\tg1\tc\t[::1]:5\t[::1]:6\t5000");
        state.apply("ELECT\tg1\ta\t0\tclean");
        state.apply("ALTER\tg1\ta\t1\t1\ta,b");
        state.apply("ELECT\tg1\tb\t1\tclean");
        state.apply("ELECT\tg1\tc\t2\tunclean");
        state.apply("ALTER\tg1\tc\t3\t4\ta,c");
        state.apply("REGISTER\tg2\tx|y\thost-x:7\thost-x:8\t6000");
        return List.copyOf(state.groups());
    }

    @Test
    void holdsEveryGroupsMembersMasterEpochsAndInSyncSet() throws Exception {
        List<GroupView> groups = groups();
        GroupView g1 = groups.get(0);
        assertEquals("c", g1.master());
        assertEquals(3, g1.masterEpoch());
        assertEquals(5, g1.inSyncEpoch());
        assertEquals(java.util.Set.of("a", "c"), g1.inSync());
        Path file = dir.resolve("snapshot.7_42");
        ControllerSnapshot.of(7, 42, groups).writeTo(file);

        ControllerSnapshot read = ControllerSnapshot.read(file);
        assertEquals(7, read.term());
        assertEquals(42, read.index());
        assertEquals(groups, read.groups());
        // Member order (registration order) is kept, and a separator character in an id is just a character.
        assertEquals(List.of("a", "b", "c"), List.copyOf(read.groups().get(0).members().keySet()));
        assertEquals("x|y", read.groups().get(1).members().keySet().iterator().next());
        // Loaded into a state, it answers as the state it was taken from.
        ControllerState restored = new ControllerState();
        restored.replaceAll(read.groups());
        assertTrue(restored.apply("ELECT\tg1\tb\t2\tclean").startsWith("REFUSED master epoch is 3"));
        assertTrue(restored.apply("ELECT\tg1\ta\t3\tclean").startsWith("OK"));
        assertEquals(0, Files.list(dir).filter(p -> p.toString().endsWith(".tmp")).count(), "no temporary file left");
    }

    @Test
    void anEmptyStateIsASnapshotToo() throws Exception {
        Path file = dir.resolve("snapshot.1_1");
        ControllerSnapshot.of(1, 1, List.of()).writeTo(file);
        assertEquals(List.of(), ControllerSnapshot.read(file).groups());
    }

    @Test
    void aTruncatedFileIsRefusedByName() throws Exception {
        Path file = dir.resolve("snapshot.2_9");
        byte[] whole = ControllerSnapshot.of(2, 9, groups()).encode();
        for (int length : new int[] {0, 5, 20, whole.length / 2, whole.length - 1}) {
            Files.write(file, Arrays.copyOf(whole, length));
            assertRefused(file, length < 20 ? "does not start with KEELCSNP" : "checksum does not match");
        }
    }

    @Test
    void aDamagedByteExtraBytesOrAnotherVersionAreRefused() throws Exception {
        Path file = dir.resolve("snapshot.2_9");
        byte[] whole = ControllerSnapshot.of(2, 9, groups()).encode();
        byte[] flipped = whole.clone();
        flipped[40] ^= 0x10;
        Files.write(file, flipped);
        assertRefused(file, "checksum does not match");

        byte[] longer = Arrays.copyOf(whole, whole.length + 3);
        Files.write(file, longer);
        assertRefused(file, "checksum does not match");

        byte[] version2 = whole.clone();
        version2[11] = 2;
        Files.write(file, version2);
        assertRefused(file, "format version 2 is unknown");

        Files.delete(file);
        assertRefused(file, "the file is missing");
    }

    private static void assertRefused(Path file, String problem) {
        IOException e = assertThrows(ControllerSnapshot.CorruptSnapshotException.class,
                () -> ControllerSnapshot.read(file));
        assertTrue(e.getMessage().contains(file.toAbsolutePath().toString()), e.getMessage());
        assertTrue(e.getMessage().contains(problem), e.getMessage());
    }
}
