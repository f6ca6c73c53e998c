package io.keelmq.server.ha.controller;

import org.apache.ratis.client.RaftClient;
import org.apache.ratis.client.RaftClientConfigKeys;
import org.apache.ratis.client.retry.RequestTypeDependentRetryPolicy;
import org.apache.ratis.conf.RaftProperties;
import org.apache.ratis.proto.RaftProtos.RaftClientRequestProto.TypeCase;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftClientReply;
import org.apache.ratis.retry.RetryPolicies;
import org.apache.ratis.util.TimeDuration;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Talks to the controller's Raft group: commands go through the log ({@link RaftClient#io()} send), reads are
 * read-only requests that the leader answers linearizably.
 *
 * <p>Every call is bounded by time, not by a count of tries: it is retried (every {@value #RETRY_SLEEP_MILLIS} ms,
 * from peer to peer, following Ratis' leader hints) until {@code callTimeoutMillis} after it began, then an
 * {@link IOException}. A re-election of the controller's leader on a loaded machine takes seconds; a count of tries
 * gave up long before. A command is retried with the same Ratis call id, so the leader's retry cache applies it once.
 *
 * <p>Reads must reach the leader: only its record of heartbeats counts ({@link Liveness}), and Ratis lets a follower
 * answer a linearizable read itself. A follower answers {@code NOT_LEADER}; the client then asks a leader-only
 * question ({@link #LEADER_QUERY}, non-linearizable, which a follower refuses with Ratis' NotLeaderException), so Ratis
 * moves this client to the leader, and reads again.
 */
public final class ControllerClient implements AutoCloseable {
    /** A reply: whether the controller did it, why not, and the views it sent. */
    public record Reply(boolean ok, String refusal, List<GroupView> groups, List<String[]> members, String leader) {
        public GroupView group() {
            return groups.isEmpty() ? null : groups.get(0);
        }
    }

    /** The default bound of a call: longer than a Ratis re-election on a loaded machine. */
    public static final long DEFAULT_CALL_TIMEOUT_MILLIS = 20_000;
    /** The query only the leader answers; its answer names the leader. */
    static final String LEADER_QUERY = "LEADER";
    /** The first line of a follower's answer to a read: it does not keep the heartbeat record. */
    static final String NOT_LEADER = "NOT_LEADER";
    private static final long RETRY_SLEEP_MILLIS = 100;
    /** The longest a single request waits for its answer before it is tried again (on another peer if need be). */
    private static final long ATTEMPT_TIMEOUT_MILLIS = 3_000;

    private final RaftClient client;
    private final long callTimeoutMillis;

    /**
     * A client of the controller whose peers are {@code controllerAddresses}; each call gives up
     * {@code callTimeoutMillis} after it began.
     */
    public ControllerClient(String clusterName, List<String> controllerAddresses, long callTimeoutMillis) {
        if (callTimeoutMillis <= 0) {
            throw new IllegalArgumentException("callTimeoutMillis must be positive: " + callTimeoutMillis);
        }
        this.callTimeoutMillis = callTimeoutMillis;
        RaftProperties properties = ControllerPeers.properties();
        RaftClientConfigKeys.Rpc.setRequestTimeout(properties,
                TimeDuration.valueOf(Math.min(ATTEMPT_TIMEOUT_MILLIS, callTimeoutMillis), TimeUnit.MILLISECONDS));
        TimeDuration sleep = TimeDuration.valueOf(RETRY_SLEEP_MILLIS, TimeUnit.MILLISECONDS);
        TimeDuration bound = TimeDuration.valueOf(callTimeoutMillis, TimeUnit.MILLISECONDS);
        RequestTypeDependentRetryPolicy.Builder retry = RequestTypeDependentRetryPolicy.newBuilder();
        for (TypeCase type : List.of(TypeCase.WRITE, TypeCase.READ)) {
            retry.setRetryPolicy(type, RetryPolicies.retryForeverWithSleep(sleep)).setTimeout(type, bound);
        }
        this.client = RaftClient.newBuilder()
                .setProperties(properties)
                .setRaftGroup(ControllerPeers.group(clusterName, controllerAddresses))
                .setRetryPolicy(retry.build())
                .build();
    }

    public Reply register(String group, String id, String clientAddress, String haAddress, long timeoutMillis)
            throws IOException {
        return write(String.join("\t", "REGISTER", group, id, clientAddress, haAddress, Long.toString(timeoutMillis)));
    }

    public Reply heartbeat(String group, String id, long epoch, long offset) throws IOException {
        return read(String.join("\t", "HEARTBEAT", group, id, Long.toString(epoch), Long.toString(offset)));
    }

    public Reply alterInSync(String group, String master, long masterEpoch, long inSyncEpoch, List<String> ids)
            throws IOException {
        return write(String.join("\t", "ALTER", group, master, Long.toString(masterEpoch), Long.toString(inSyncEpoch),
                String.join(",", ids)));
    }

    public Reply elect(String group, String candidate, long expectedMasterEpoch, boolean unclean) throws IOException {
        return write(String.join("\t", "ELECT", group, candidate, Long.toString(expectedMasterEpoch),
                unclean ? "unclean" : "clean"));
    }

    /** Every group (or one), read linearizably, with the leader's record of each member's log and silence. */
    public Reply status(String group) throws IOException {
        return read(group == null ? "STATUS" : "STATUS\t" + group);
    }

    private Reply write(String command) throws IOException {
        return parse(check(client.io().send(Message.valueOf(command))));
    }

    /** A read the leader answers: on a follower's NOT_LEADER, find the leader and read again, until the bound. */
    private Reply read(String query) throws IOException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(callTimeoutMillis);
        while (true) {
            String answer = check(client.io().sendReadOnly(Message.valueOf(query)));
            if (!answer.startsWith(NOT_LEADER)) {
                return parse(answer);
            }
            if (System.nanoTime() - deadline >= 0) {
                throw new IOException("the controller did not answer within " + callTimeoutMillis
                        + " ms: its peers answered " + answer.replace('\t', ' ') + " (no leader reached)");
            }
            // Leader-only: a follower refuses it with NotLeaderException, which moves this client to the leader.
            client.io().sendReadOnlyNonLinearizable(Message.valueOf(LEADER_QUERY));
        }
    }

    private static String check(RaftClientReply reply) throws IOException {
        if (!reply.isSuccess()) {
            throw new IOException("the controller did not answer: " + reply.getException());
        }
        return reply.getMessage().getContent().toStringUtf8();
    }

    static Reply parse(String text) {
        String[] lines = text.split("\n");
        boolean ok = lines[0].equals("OK");
        List<GroupView> groups = new ArrayList<>();
        List<String[]> members = new ArrayList<>();
        String leader = null;
        for (int i = 1; i < lines.length; i++) {
            if (lines[i].startsWith("LEADER\t")) {
                leader = lines[i].substring("LEADER\t".length());
            } else if (lines[i].startsWith("MEMBER\t")) {
                members.add(lines[i].split("\t", -1));
            } else if (!lines[i].isEmpty()) {
                groups.add(GroupView.decode(lines[i]));
            }
        }
        return new Reply(ok, ok ? null : lines[0].substring("REFUSED ".length()), groups, members, leader);
    }

    @Override
    public void close() throws IOException {
        client.close();
    }
}
