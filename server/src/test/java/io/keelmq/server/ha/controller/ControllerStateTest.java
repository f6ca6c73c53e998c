package io.keelmq.server.ha.controller;

import org.junit.jupiter.api.Test;

import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The replicated state's rules: elections only from the in-sync set, compare-and-set on the epochs. */
class ControllerStateTest {
    private static GroupView view(String reply) {
        return ControllerClient.parse(reply).group();
    }

    @Test
    void electsOnlyInSyncMembersAndRefusesStaleEpochs() {
        ControllerState state = new ControllerState();
        state.apply("REGISTER\tg\ta\t127.0.0.1:1\t127.0.0.1:2\t3000");
        state.apply("REGISTER\tg\tb\t127.0.0.1:3\t127.0.0.1:4\t3000");
        state.apply("REGISTER\tg\tc\t127.0.0.1:5\t127.0.0.1:6\t3000");
        // A group that never had a master takes any member.
        GroupView first = view(state.apply("ELECT\tg\ta\t0\tclean"));
        assertEquals("a", first.master());
        assertEquals(1, first.masterEpoch());
        assertEquals(Set.of("a"), first.inSync());

        // Only the master of the current epoch, with the current in-sync epoch, changes the in-sync set.
        assertTrue(state.apply("ALTER\tg\tb\t1\t1\ta,b").startsWith("REFUSED not the master"));
        assertTrue(state.apply("ALTER\tg\ta\t1\t0\ta,b").startsWith("REFUSED in-sync set epoch"));
        assertTrue(state.apply("ALTER\tg\ta\t1\t1\tb").startsWith("REFUSED in-sync set"));
        GroupView altered = view(state.apply("ALTER\tg\ta\t1\t1\ta,b"));
        assertEquals(Set.of("a", "b"), altered.inSync());
        assertEquals(2, altered.inSyncEpoch());

        // c is not in sync: a clean election refuses it; an election on a stale epoch is refused.
        assertTrue(state.apply("ELECT\tg\tc\t1\tclean").startsWith("REFUSED c is not in the in-sync set"));
        assertTrue(state.apply("ELECT\tg\tb\t0\tclean").startsWith("REFUSED master epoch is 1"));
        GroupView second = view(state.apply("ELECT\tg\tb\t1\tclean"));
        assertEquals("b", second.master());
        assertEquals(2, second.masterEpoch());
        assertEquals(Set.of("b"), second.inSync());
        // Unclean: allowed only when asked for (enableElectUncleanMaster).
        assertEquals("c", view(state.apply("ELECT\tg\tc\t2\tunclean")).master());
    }

    @Test
    void aMalformedCommandChangesNothing() {
        ControllerState state = new ControllerState();
        assertTrue(state.apply("REGISTER\tg").startsWith("REFUSED malformed"));
        assertTrue(state.apply("NOPE").startsWith("REFUSED unknown"));
        assertEquals(0, state.groups().size());
    }

    @Test
    void theElectorRanksInSyncMembersByEpochThenOffset() {
        Liveness liveness = new Liveness();
        GroupView view = view("OK\ng\tm\t3\t5\tb,c,m\t"
                + "m|h:1|h:2|60000,b|h:3|h:4|60000,c|h:5|h:6|60000,d|h:7|h:8|60000");
        liveness.heard("g", "b", 3, 500);
        liveness.heard("g", "c", 3, 700);
        liveness.heard("g", "d", 3, 900);        // further, but not in sync
        Elector elector = new Elector(liveness, false);
        // The master counts as alive for a whole timeout after this peer became leader: no election yet.
        assertTrue(elector.choose(view).isEmpty());
        assertEquals("c", elector.best(view, view.inSync(), "m").orElseThrow());
        liveness.heard("g", "b", 4, 10);
        assertEquals("b", elector.best(view, view.inSync(), "m").orElseThrow(), "a later epoch outranks an offset");
    }
}
