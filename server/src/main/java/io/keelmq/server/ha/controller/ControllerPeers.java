package io.keelmq.server.ha.controller;

import org.apache.ratis.conf.RaftProperties;
import org.apache.ratis.protocol.RaftGroup;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.protocol.RaftPeer;
import org.apache.ratis.protocol.RaftPeerId;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * The controller's Raft group as every process sees it: peer {@code n<i>} is the i-th address of
 * {@code controllerAddr} (so brokers and controllers need only the same list, in the same order), and the group id is
 * derived from {@code brokerClusterName} (one controller per cluster).
 */
public final class ControllerPeers {
    private ControllerPeers() {
    }

    public static RaftGroup group(String clusterName, List<String> addresses) {
        if (addresses.isEmpty()) {
            throw new IllegalArgumentException("controllerAddr lists no controller peer");
        }
        List<RaftPeer> peers = new ArrayList<>();
        for (int i = 0; i < addresses.size(); i++) {
            peers.add(RaftPeer.newBuilder().setId(peerId(i)).setAddress(addresses.get(i)).build());
        }
        UUID id = UUID.nameUUIDFromBytes(("keelmq-controller:" + clusterName).getBytes(StandardCharsets.UTF_8));
        return RaftGroup.valueOf(RaftGroupId.valueOf(id), peers);
    }

    public static RaftPeerId peerId(int index) {
        return RaftPeerId.valueOf("n" + index);
    }

    /** The place of {@code selfId} ({@code n<i>}) in {@code addresses}. */
    public static int indexOf(String selfId, List<String> addresses) {
        if (selfId.matches("n[0-9]{1,3}")) {
            int index = Integer.parseInt(selfId.substring(1));
            if (index < addresses.size()) {
                return index;
            }
        }
        throw new IllegalArgumentException("controllerSelfId '" + selfId + "' names no peer of controllerAddr "
                + addresses + " (n0 is the first)");
    }

    /** Properties shared by servers and clients. */
    static RaftProperties properties() {
        return new RaftProperties();
    }
}
