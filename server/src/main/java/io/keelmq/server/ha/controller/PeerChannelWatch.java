package io.keelmq.server.ha.controller;

import org.apache.ratis.proto.RaftProtos.RaftPeerRole;
import org.apache.ratis.proto.RaftProtos.RoleInfoProto;
import org.apache.ratis.proto.RaftProtos.ServerRpcProto;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.protocol.RaftPeer;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.server.RaftServer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Keeps a controller peer's channels to the other peers from staying in gRPC's reconnect backoff.
 * <p>
 * A gRPC channel whose connection attempts failed (its peer was not started yet, or was down) waits before the next
 * attempt, 1 s growing to 120 s, and fails every call meanwhile with the old "connection refused". Ratis asks it to
 * reconnect after an appender's error, yet a leader here reached a peer that had just started only 17 s later, with
 * nothing in that peer's log meanwhile; and a peer with an empty log is no use in an election (Ratis counts no vote
 * of a peer whose log is empty once anything was committed). Lose the leader in that window and the two survivors
 * never elect one. Vote requests travel on the same channels, so a candidate whose channel to the other survivor sits
 * in backoff cannot win either.
 * <p>
 * So, every second: a leader that has had no answer from a follower for {@link #STALE_MILLIS} replaces its channel to
 * that follower; a candidate, or a follower that has heard no leader for that long, replaces its channels to every
 * other peer. Each peer's channel at most once per {@link #STALE_MILLIS}: a peer that is really down gets a fresh
 * channel that fails as fast as the old one, and nothing else changes. Runs on its own thread, since closing a
 * channel may wait for its calls.
 */
final class PeerChannelWatch implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(PeerChannelWatch.class);
    /** Silence after which a peer's channel is replaced: three times the shortest election timeout. */
    static final long STALE_MILLIS = 3_000;
    private static final long CHECK_MILLIS = 1_000;

    private final RaftServer server;
    private final RaftGroupId groupId;
    private final String selfId;
    /** When each silent peer's channel was last replaced (nanoTime); only the watch's thread touches it. */
    private final Map<RaftPeerId, Long> replaced = new HashMap<>();
    /** When this peer last led or heard a live leader (nanoTime); only the watch's thread touches it. */
    private long lastLeaderNanos = System.nanoTime();
    private final ScheduledExecutorService thread = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread watch = new Thread(runnable, "keel-controller-channels");
        watch.setDaemon(true);
        return watch;
    });

    private PeerChannelWatch(RaftServer server, RaftGroupId groupId, String selfId) {
        this.server = server;
        this.groupId = groupId;
        this.selfId = selfId;
    }

    static PeerChannelWatch start(RaftServer server, RaftGroupId groupId, String selfId) {
        PeerChannelWatch watch = new PeerChannelWatch(server, groupId, selfId);
        watch.thread.scheduleWithFixedDelay(watch::checkOnce, CHECK_MILLIS, CHECK_MILLIS, TimeUnit.MILLISECONDS);
        return watch;
    }

    private void checkOnce() {
        try {
            RaftServer.Division division = server.getDivision(groupId);
            List<RaftPeerId> silent = silentPeers(division);
            replaced.keySet().retainAll(silent);        // heard again: the next silence is reported afresh
            long now = System.nanoTime();
            for (RaftPeerId peer : silent) {
                Long last = replaced.get(peer);
                if (last != null && now - last < TimeUnit.MILLISECONDS.toNanos(STALE_MILLIS)) {
                    continue;
                }
                replaced.put(peer, now);
                // Once per spell of silence at INFO: a peer down for hours would otherwise log every 3 s.
                String message = "controller peer {} ({}): nothing from {} for over {} ms; replacing its channel (a "
                        + "channel in gRPC's reconnect backoff fails every call until its next attempt)";
                Object role = division.getInfo().getCurrentRole();
                if (last == null) {
                    LOG.info(message, selfId, role, peer, STALE_MILLIS);
                } else {
                    LOG.debug(message, selfId, role, peer, STALE_MILLIS);
                }
                server.getServerRpc().handleException(peer,
                        new IOException("no answer from " + peer + " for over " + STALE_MILLIS + " ms"), true);
            }
        } catch (IOException | RuntimeException e) {
            LOG.debug("controller peer {}: channel check: {}", selfId, e.toString());
        } catch (Error e) {
            // A scheduled task that throws is never run again.
            LOG.error("controller peer {}: channel check failed; it goes on at the next interval", selfId, e);
        }
    }

    /**
     * The peers this one has not heard from for {@link #STALE_MILLIS}: a leader's silent followers; every other peer
     * when this one has had no live leader for that long (a candidate's role flips back to follower after each lost
     * round, so the time counts from the last moment a leader was heard, not from the last role change).
     */
    private List<RaftPeerId> silentPeers(RaftServer.Division division) {
        RoleInfoProto role = division.getInfo().getRoleInfoProto();
        long now = System.nanoTime();
        List<RaftPeerId> silent = new ArrayList<>();
        if (role.getRole() == RaftPeerRole.LEADER) {
            lastLeaderNanos = now;
            for (ServerRpcProto follower : role.getLeaderInfo().getFollowerInfoList()) {
                if (follower.getLastRpcElapsedTimeMs() > STALE_MILLIS) {
                    silent.add(RaftPeerId.valueOf(follower.getId().getId()));
                }
            }
        } else if (role.getRole() == RaftPeerRole.FOLLOWER && division.getInfo().getLeaderId() != null
                && role.getFollowerInfo().getLeaderInfo().getLastRpcElapsedTimeMs() <= STALE_MILLIS) {
            lastLeaderNanos = now;
        } else if (role.getRole() != RaftPeerRole.LISTENER
                && now - lastLeaderNanos > TimeUnit.MILLISECONDS.toNanos(STALE_MILLIS)) {
            silent.addAll(others(division));
        }
        return silent;
    }

    private static List<RaftPeerId> others(RaftServer.Division division) {
        List<RaftPeerId> others = new ArrayList<>();
        for (RaftPeer peer : division.getGroup().getPeers()) {
            if (!peer.getId().equals(division.getId())) {
                others.add(peer.getId());
            }
        }
        return others;
    }

    @Override
    public void close() {
        thread.shutdownNow();
    }
}
