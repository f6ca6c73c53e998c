package io.keelmq.server.ha.controller;

import org.apache.ratis.proto.RaftProtos.LogEntryProto;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftGroupMemberId;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.statemachine.TransactionContext;
import org.apache.ratis.statemachine.impl.BaseStateMachine;

import java.io.IOException;
import java.util.concurrent.CompletableFuture;

/**
 * The Ratis state machine of the controller: applies REGISTER, ALTER and ELECT in log order to the
 * {@link ControllerState}, and answers the read-only requests, which the server runs linearizably (read index) on
 * the leader (a follower answers {@code NOT_LEADER}: only the leader's heartbeat record counts, so only it answers):
 * <ul>
 * <li>{@code LEADER}: {@code OK}, then {@code LEADER peerId}; sent non-linearizable, so a follower refuses it with
 * Ratis' NotLeaderException and the client moves to the leader.</li>
 * <li>{@code STATUS} (all groups) or {@code STATUS group}: {@code OK}, then per group its view and per member a
 * line {@code MEMBER group id epoch offset silenceMillis} from this peer's heartbeat record; first a line
 * {@code LEADER peerId}, the peer that answered (the leader).</li>
 * <li>{@code HEARTBEAT group id epoch offset}: recorded in {@link Liveness}; the answer is the group's view.</li>
 * </ul>
 * No snapshot is taken: the log, small (a REGISTER per broker start, an ALTER per in-sync change, an ELECT per
 * failover; heartbeats are not in it), is replayed at a peer's start.
 */
final class ControllerStateMachine extends BaseStateMachine {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(ControllerStateMachine.class);
    private final ControllerState state = new ControllerState();
    private final Liveness liveness = new Liveness();

    Liveness liveness() {
        return liveness;
    }

    /** The applied state (the leader's scan reads it; every ELECT it proposes checks the epoch it read). */
    ControllerState state() {
        return state;
    }

    @Override
    public CompletableFuture<Message> applyTransaction(TransactionContext trx) {
        LogEntryProto entry = trx.getLogEntry();
        String command = entry.getStateMachineLogEntry().getLogData().toStringUtf8();
        String reply = state.apply(command);
        updateLastAppliedTermIndex(entry.getTerm(), entry.getIndex());
        return CompletableFuture.completedFuture(Message.valueOf(reply));
    }

    @Override
    public CompletableFuture<Message> query(Message request) {
        String[] f = request.getContent().toStringUtf8().split("\t", -1);
        if (ControllerClient.LEADER_QUERY.equals(f[0])) {
            return answer("OK\nLEADER\t" + getId());
        }
        if (!isLeader()) {
            // Ratis answers a linearizable read on a follower too; but only the leader's heartbeat record counts,
            // so every read is sent on to the leader (ControllerClient finds it).
            return answer(ControllerClient.NOT_LEADER + "\t" + getId() + " is a follower");
        }
        String reply;
        if ("HEARTBEAT".equals(f[0]) && f.length == 5) {
            GroupView view = state.group(f[1]);
            if (view == null || !view.members().containsKey(f[2])) {
                reply = "REFUSED " + f[2] + " is not registered in group " + f[1];
            } else {
                liveness.heard(f[1], f[2], Long.parseLong(f[3]), Long.parseLong(f[4]));
                reply = "OK\n" + view.encode();
            }
        } else if ("STATUS".equals(f[0])) {
            StringBuilder out = new StringBuilder("OK\nLEADER\t").append(getId());
            for (GroupView view : state.groups()) {
                if (f.length > 1 && !f[1].equals(view.group())) {
                    continue;
                }
                out.append('\n').append(view.encode());
                for (String id : view.members().keySet()) {
                    Liveness.Beat beat = liveness.last(view.group(), id);
                    out.append("\nMEMBER\t").append(view.group()).append('\t').append(id).append('\t')
                            .append(beat == null ? -1 : beat.epoch()).append('\t')
                            .append(beat == null ? -1 : beat.offset()).append('\t')
                            .append(liveness.silenceMillis(view.group(), id));
                }
            }
            reply = out.toString();
        } else {
            reply = "REFUSED unknown query " + f[0];
        }
        return answer(reply);
    }

    private static CompletableFuture<Message> answer(String text) {
        return CompletableFuture.completedFuture(Message.valueOf(text));
    }

    /** Whether this peer leads the Raft group now. */
    boolean isLeader() {
        RaftServer server = getServer().getNow(null);
        if (server == null) {
            return false;
        }
        try {
            return server.getDivision(getGroupId()).getInfo().isLeader();
        } catch (IOException e) {
            return false;
        }
    }

    @Override
    public void notifyLeaderChanged(RaftGroupMemberId groupMemberId, RaftPeerId newLeaderId) {
        if (groupMemberId.getPeerId().equals(newLeaderId)) {
            liveness.becameLeader();
            LOG.info("controller peer {} leads now: it counts no broker dead before a heartbeat timeout under it",
                    newLeaderId);
        }
    }
}
