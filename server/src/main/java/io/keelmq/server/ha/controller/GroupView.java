package io.keelmq.server.ha.controller;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * What the controller holds for one broker group, replicated by Raft: its members (by brokerId, with where they
 * take clients and slaves), the master and its epoch, the in-sync set and its epoch. Immutable; each command makes a
 * new one. Written as one line of tab-separated fields, so a reply and a Raft log entry are plain text.
 *
 * @param master the master's brokerId, or "" when the group has none (never elected, or its master died)
 */
public record GroupView(String group, Map<String, Member> members, String master, long masterEpoch,
                        Set<String> inSync, long inSyncEpoch) {

    /** One broker of the group: {@code clientAddress} takes clients, {@code haAddress} its slaves (host:port). */
    public record Member(String id, String clientAddress, String haAddress, long heartbeatTimeoutMillis) {
        String encode() {
            return id + "|" + clientAddress + "|" + haAddress + "|" + heartbeatTimeoutMillis;
        }

        static Member decode(String text) {
            String[] f = text.split("\\|", -1);
            return new Member(f[0], f[1], f[2], Long.parseLong(f[3]));
        }
    }

    public GroupView {
        members = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(members));
        inSync = java.util.Collections.unmodifiableSet(new TreeSet<>(inSync));
    }

    static GroupView empty(String group) {
        return new GroupView(group, Map.of(), "", 0, Set.of(), 0);
    }

    public boolean hasMaster() {
        return !master.isEmpty();
    }

    /** The master's member entry, or null. */
    public Member masterMember() {
        return members.get(master);
    }

    GroupView withMember(Member member) {
        Map<String, Member> updated = new LinkedHashMap<>(members);
        updated.put(member.id(), member);
        return new GroupView(group, updated, master, masterEpoch, inSync, inSyncEpoch);
    }

    GroupView withInSync(Collection<String> ids) {
        return new GroupView(group, members, master, masterEpoch, new TreeSet<>(ids), inSyncEpoch + 1);
    }

    /** {@code id} is master of a new epoch, alone in the in-sync set until its slaves catch up. */
    GroupView withMaster(String id) {
        return new GroupView(group, members, id, masterEpoch + 1, Set.of(id), inSyncEpoch + 1);
    }

    public String encode() {
        List<String> memberTexts = new ArrayList<>();
        for (Member member : members.values()) {
            memberTexts.add(member.encode());
        }
        return String.join("\t", group, master, Long.toString(masterEpoch), Long.toString(inSyncEpoch),
                String.join(",", inSync), String.join(",", memberTexts));
    }

    public static GroupView decode(String line) {
        String[] f = line.split("\t", -1);
        Map<String, Member> members = new LinkedHashMap<>();
        for (String text : split(f[5])) {
            Member member = Member.decode(text);
            members.put(member.id(), member);
        }
        return new GroupView(f[0], members, f[1], Long.parseLong(f[2]), new TreeSet<>(split(f[4])),
                Long.parseLong(f[3]));
    }

    private static List<String> split(String text) {
        return text.isEmpty() ? List.of() : List.of(text.split(","));
    }
}
