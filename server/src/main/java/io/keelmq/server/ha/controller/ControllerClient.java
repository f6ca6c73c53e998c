package io.keelmq.server.ha.controller;

import org.apache.ratis.client.RaftClient;
import org.apache.ratis.client.RaftClientConfigKeys;
import org.apache.ratis.conf.RaftProperties;
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
 * read-only requests that the leader answers linearizably. Every call is bounded: a few tries within about
 * {@code requestTimeoutMillis} each, then an {@link IOException} (the caller's loop tries again later).
 */
public final class ControllerClient implements AutoCloseable {
    /** A reply: whether the controller did it, why not, and the views it sent. */
    public record Reply(boolean ok, String refusal, List<GroupView> groups, List<String[]> members, String leader) {
        public GroupView group() {
            return groups.isEmpty() ? null : groups.get(0);
        }
    }

    private final RaftClient client;

    public ControllerClient(String clusterName, List<String> controllerAddresses, long requestTimeoutMillis) {
        RaftProperties properties = ControllerPeers.properties();
        RaftClientConfigKeys.Rpc.setRequestTimeout(properties,
                TimeDuration.valueOf(requestTimeoutMillis, TimeUnit.MILLISECONDS));
        this.client = RaftClient.newBuilder()
                .setProperties(properties)
                .setRaftGroup(ControllerPeers.group(clusterName, controllerAddresses))
                .setRetryPolicy(RetryPolicies.retryUpToMaximumCountWithFixedSleep(
                        Math.max(2, controllerAddresses.size() * 2), TimeDuration.valueOf(100, TimeUnit.MILLISECONDS)))
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

    private Reply read(String query) throws IOException {
        return parse(check(client.io().sendReadOnly(Message.valueOf(query))));
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
