package io.keelmq.server.ha.controller;

import java.util.Comparator;
import java.util.Optional;

/**
 * Who should be master of a group, decided by the controller leader from a linearizable read of the group and its
 * own heartbeat record. Nothing while the master is alive. Otherwise the alive member of the in-sync set whose log
 * is furthest, ranked by (epoch, offset) from its last heartbeat; a group that never had a master takes any alive
 * member so ranked. With {@code enableElectUncleanMaster}, when no in-sync member is alive, any alive member (which
 * may lack messages that were answered SEND_OK); without it, the group waits.
 */
final class Elector {
    /** A proposal: {@code candidate}, and whether it is outside the in-sync set. */
    record Choice(String candidate, boolean unclean) {
    }

    private final Liveness liveness;
    private final boolean uncleanAllowed;

    Elector(Liveness liveness, boolean uncleanAllowed) {
        this.liveness = liveness;
        this.uncleanAllowed = uncleanAllowed;
    }

    /** A new master for {@code view}, or empty when it needs none (or none can be elected now). */
    Optional<Choice> choose(GroupView view) {
        if (view.hasMaster() && alive(view, view.master())) {
            return Optional.empty();
        }
        boolean firstMaster = view.masterEpoch() == 0 && view.inSync().isEmpty();
        Optional<String> clean = best(view, firstMaster ? view.members().keySet() : view.inSync(), view.master());
        if (clean.isPresent()) {
            return Optional.of(new Choice(clean.get(), false));
        }
        if (uncleanAllowed) {
            return best(view, view.members().keySet(), view.master()).map(id -> new Choice(id, true));
        }
        return Optional.empty();
    }

    /** Among {@code ids}, the alive one (not the dead master) with the highest (epoch, offset). */
    Optional<String> best(GroupView view, java.util.Collection<String> ids, String deadMaster) {
        Comparator<String> byLog = Comparator
                .comparingLong((String id) -> beatOf(view, id).epoch())
                .thenComparingLong(id -> beatOf(view, id).offset())
                .thenComparing(Comparator.reverseOrder());  // a tie goes to the smallest id: every leader agrees
        return ids.stream()
                .filter(id -> !id.equals(deadMaster) && view.members().containsKey(id) && heard(view, id))
                .max(byLog);
    }

    /** Whether the master of {@code view} was heard within its timeout (or this leader's grace runs). */
    boolean masterAlive(GroupView view) {
        return view.hasMaster() && alive(view, view.master());
    }

    private boolean alive(GroupView view, String id) {
        GroupView.Member member = view.members().get(id);
        return member != null && liveness.alive(view.group(), id, member.heartbeatTimeoutMillis());
    }

    /** Alive and heard at least once by this leader (its log position is known). */
    private boolean heard(GroupView view, String id) {
        return alive(view, id) && liveness.last(view.group(), id) != null;
    }

    private Liveness.Beat beatOf(GroupView view, String id) {
        Liveness.Beat beat = liveness.last(view.group(), id);
        return beat == null ? new Liveness.Beat(-1, -1, 0) : beat;
    }
}
