package io.keelmq.server.ha.controller;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The controller's replicated state: every group's {@link GroupView}, changed only by commands applied in Raft log
 * order. Deterministic (no clock, no randomness): every peer that applies the same log holds the same state. Each
 * command checks what it expects (the master, the epochs) and is refused when the state moved on, so a decision made
 * on a stale read never takes effect (compare-and-set on the epochs, as RocketMQ's controller does).
 *
 * <p>Commands, one line of tab-separated fields:
 * <ul>
 * <li>{@code REGISTER group id clientAddress haAddress heartbeatTimeoutMillis}: adds or updates a member.</li>
 * <li>{@code ALTER group master masterEpoch inSyncEpoch id,id,...}: the master changes its in-sync set (which
 * must contain it).</li>
 * <li>{@code ELECT group candidate expectedMasterEpoch clean|unclean}: {@code candidate} becomes master of
 * epoch {@code expectedMasterEpoch + 1}; a clean election takes only a member of the in-sync set (or, in a group
 * that never had a master, any member).</li>
 * </ul>
 * A reply is {@code OK} or {@code REFUSED reason}, then the group's view on the next line.
 */
final class ControllerState {
    private final Map<String, GroupView> groups = new TreeMap<>();

    synchronized GroupView group(String name) {
        return groups.get(name);
    }

    synchronized Collection<GroupView> groups() {
        return List.copyOf(groups.values());
    }

    /** Replaces every group by {@code loaded} (a snapshot's content; the views are immutable). */
    synchronized void replaceAll(Collection<GroupView> loaded) {
        groups.clear();
        for (GroupView view : loaded) {
            groups.put(view.group(), view);
        }
    }

    /** Applies one command; the reply. A malformed command changes nothing. */
    synchronized String apply(String command) {
        String[] f = command.split("\t", -1);
        try {
            return switch (f[0]) {
                case "REGISTER" -> register(f[1], new GroupView.Member(f[2], f[3], f[4], Long.parseLong(f[5])));
                case "ALTER" -> alter(f[1], f[2], Long.parseLong(f[3]), Long.parseLong(f[4]),
                        f[5].isEmpty() ? List.of() : List.of(f[5].split(",")));
                case "ELECT" -> elect(f[1], f[2], Long.parseLong(f[3]), "unclean".equals(f[4]));
                default -> "REFUSED unknown command " + f[0];
            };
        } catch (RuntimeException e) {
            return "REFUSED malformed command: " + e;
        }
    }

    private String register(String group, GroupView.Member member) {
        GroupView view = groups.getOrDefault(group, GroupView.empty(group)).withMember(member);
        groups.put(group, view);
        return ok(view);
    }

    private String alter(String group, String master, long masterEpoch, long inSyncEpoch, List<String> ids) {
        GroupView view = groups.get(group);
        if (view == null) {
            return "REFUSED no group " + group;
        }
        if (!view.master().equals(master) || view.masterEpoch() != masterEpoch) {
            return refused("not the master of epoch " + masterEpoch + " (master is '" + view.master() + "' of epoch "
                    + view.masterEpoch() + ")", view);
        }
        if (view.inSyncEpoch() != inSyncEpoch) {
            return refused("in-sync set epoch " + inSyncEpoch + " is stale (now " + view.inSyncEpoch() + ")", view);
        }
        if (!ids.contains(master) || !view.members().keySet().containsAll(ids)) {
            return refused("in-sync set " + ids + " must hold the master and members only", view);
        }
        GroupView updated = view.withInSync(ids);
        groups.put(group, updated);
        return ok(updated);
    }

    private String elect(String group, String candidate, long expectedEpoch, boolean unclean) {
        GroupView view = groups.get(group);
        if (view == null) {
            return "REFUSED no group " + group;
        }
        if (view.masterEpoch() != expectedEpoch) {
            return refused("master epoch is " + view.masterEpoch() + ", not " + expectedEpoch, view);
        }
        if (!view.members().containsKey(candidate)) {
            return refused(candidate + " is no member of group " + group, view);
        }
        boolean firstMaster = view.masterEpoch() == 0 && view.inSync().isEmpty();
        if (!unclean && !firstMaster && !view.inSync().contains(candidate)) {
            return refused(candidate + " is not in the in-sync set " + view.inSync()
                    + " (enableElectUncleanMaster=false)", view);
        }
        GroupView updated = view.withMaster(candidate);
        groups.put(group, updated);
        return ok(updated);
    }

    private static String ok(GroupView view) {
        return "OK\n" + view.encode();
    }

    private static String refused(String why, GroupView view) {
        return "REFUSED " + why + "\n" + view.encode();
    }
}
