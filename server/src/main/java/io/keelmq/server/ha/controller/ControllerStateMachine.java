package io.keelmq.server.ha.controller;

import org.apache.ratis.proto.RaftProtos.LogEntryProto;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftGroupMemberId;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.statemachine.TransactionContext;
import org.apache.ratis.statemachine.impl.BaseStateMachine;

import java.util.concurrent.CompletableFuture;

/**
 * The Ratis state machine of the controller: applies REGISTER, ALTER and ELECT in log order to the
 * {@link ControllerState}, and answers the read-only requests, which the server runs linearizably (read index) on
 * the leader:
 * <ul>
 * <li>{@code STATUS} (all groups) or {@code STATUS group}: {@code OK}, then per group its view and per member a
 * line {@code MEMBER group id epoch offset silenceMillis} from this peer's heartbeat record; first a line
 * {@code LEADER peerId}, the peer that answered (the leader).</li>
 * <li>{@code HEARTBEAT group id epoch offset}: recorded in {@link Liveness}; the answer is the group's view.</li>
 * </ul>
 * No snapshot is taken: the log, small (a REGISTER per broker start, an ALTER per in-sync change, an ELECT per
 * failover; heartbeats are not in it), is replayed at a peer's start.
 */
final class ControllerStateMachine extends BaseStateMachine {
    private final ControllerState state = new ControllerState();
    private final Liveness liveness = new Liveness();

    Liveness liveness() {
        return liveness;
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
        return CompletableFuture.completedFuture(Message.valueOf(reply));
    }

    @Override
    public void notifyLeaderChanged(RaftGroupMemberId groupMemberId, RaftPeerId newLeaderId) {
        if (groupMemberId.getPeerId().equals(newLeaderId)) {
            liveness.becameLeader();
        }
    }
}
