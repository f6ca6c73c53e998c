package io.keelmq.server.ha.controller;

import org.apache.ratis.io.MD5Hash;
import org.apache.ratis.proto.RaftProtos.LogEntryProto;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.protocol.RaftGroupMemberId;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.server.protocol.TermIndex;
import org.apache.ratis.server.raftlog.RaftLog;
import org.apache.ratis.server.storage.FileInfo;
import org.apache.ratis.server.storage.RaftStorage;
import org.apache.ratis.statemachine.StateMachineStorage;
import org.apache.ratis.statemachine.TransactionContext;
import org.apache.ratis.statemachine.impl.BaseStateMachine;
import org.apache.ratis.statemachine.impl.SimpleStateMachineStorage;
import org.apache.ratis.statemachine.impl.SingleFileSnapshotInfo;
import org.apache.ratis.util.LifeCycle;
import org.apache.ratis.util.MD5FileUtil;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.stream.Stream;
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
 *
 * <p><b>Snapshots.</b> Ratis asks for one every {@code controllerSnapshotThreshold} applied entries
 * ({@link ControllerServer}); {@link #takeSnapshot} writes the whole state and the last applied (term, index) to
 * {@code snapshot.<term>_<index>} in the peer's state machine directory ({@link ControllerSnapshot}, written
 * atomically, with Ratis' {@code .md5} beside it), after which Ratis deletes the log segments it covers. A peer's
 * start loads its latest snapshot and replays only the log after it. A follower that needs entries the leader has
 * purged is sent the leader's snapshot file by Ratis; it then {@link #pause}s, and {@link #reinitialize} loads it.
 * A snapshot file that cannot be read whole stops the peer with an error naming the file: it never starts empty.
 * Heartbeats ({@link Liveness}) are in no snapshot: they are the leader's memory only, as before.
 */
final class ControllerStateMachine extends BaseStateMachine {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(ControllerStateMachine.class);
    private final ControllerState state = new ControllerState();
    private final Liveness liveness = new Liveness();
    private final SimpleStateMachineStorage storage = new SimpleStateMachineStorage();
    /** Where Ratis keeps this peer's snapshots (set by {@link #initialize}). */
    private volatile Path stateMachineDir;

    Liveness liveness() {
        return liveness;
    }

    /** The applied state (the leader's scan reads it; every ELECT it proposes checks the epoch it read). */
    ControllerState state() {
        return state;
    }

    @Override
    public void initialize(RaftServer server, RaftGroupId groupId, RaftStorage raftStorage) throws IOException {
        getLifeCycle().startAndTransition(() -> {
            super.initialize(server, groupId, raftStorage);
            storage.init(raftStorage);
            stateMachineDir = raftStorage.getStorageDir().getStateMachineDir().toPath();
            load(storage.getLatestSnapshot());
        }, IOException.class);
    }

    /** Ratis is about to install a snapshot the leader sent: nothing is applied until {@link #reinitialize}. */
    @Override
    public void pause() {
        LifeCycle lifeCycle = getLifeCycle();
        if (lifeCycle.getCurrentState() == LifeCycle.State.RUNNING) {
            lifeCycle.transition(LifeCycle.State.PAUSING);
            lifeCycle.transition(LifeCycle.State.PAUSED);
        }
    }

    /** Loads the snapshot Ratis just installed (the latest in the state machine directory) and runs again. */
    @Override
    public void reinitialize() throws IOException {
        load(storage.loadLatestSnapshot());
        LifeCycle lifeCycle = getLifeCycle();
        if (lifeCycle.getCurrentState() == LifeCycle.State.PAUSED) {
            lifeCycle.transition(LifeCycle.State.STARTING);
            lifeCycle.transition(LifeCycle.State.RUNNING);
        }
    }

    @Override
    public StateMachineStorage getStateMachineStorage() {
        return storage;
    }

    @Override
    public CompletableFuture<Message> applyTransaction(TransactionContext trx) {
        LogEntryProto entry = trx.getLogEntry();
        String command = entry.getStateMachineLogEntry().getLogData().toStringUtf8();
        String reply;
        synchronized (state) {      // a snapshot copies the state and the index it holds together
            reply = state.apply(command);
            updateLastAppliedTermIndex(entry.getTerm(), entry.getIndex());
        }
        return CompletableFuture.completedFuture(Message.valueOf(reply));
    }

    /** Entries that are not commands (configuration, a new leader's first entry) move the applied index too. */
    @Override
    public void notifyTermIndexUpdated(long term, long index) {
        synchronized (state) {
            super.notifyTermIndexUpdated(term, index);
        }
    }

    /** Writes the state and the last applied (term, index); Ratis then purges the log up to that index. */
    @Override
    public long takeSnapshot() throws IOException {
        ControllerSnapshot snapshot;
        synchronized (state) {
            TermIndex last = getLastAppliedTermIndex();
            if (last == null || last.getIndex() < 0) {
                return RaftLog.INVALID_LOG_INDEX;
            }
            snapshot = ControllerSnapshot.of(last.getTerm(), last.getIndex(), state.groups());
        }
        File file = storage.getSnapshotFile(snapshot.term(), snapshot.index());
        snapshot.writeTo(file.toPath());
        MD5Hash md5 = MD5FileUtil.computeAndSaveMd5ForFile(file);
        storage.updateLatestSnapshot(new SingleFileSnapshotInfo(new FileInfo(file.toPath(), md5),
                TermIndex.valueOf(snapshot.term(), snapshot.index())));
        LOG.info("controller peer {}: snapshot of {} groups at index {} in {}", getId(), snapshot.groups().size(),
                snapshot.index(), file);
        return snapshot.index();
    }

    /** Replaces the state by {@code info}'s snapshot; none (a peer's first start): the state stays empty. */
    private void load(SingleFileSnapshotInfo info) throws IOException {
        if (info == null) {
            refuseUnlistedSnapshot();
            return;
        }
        Path file = info.getFile().getPath();
        ControllerSnapshot snapshot = ControllerSnapshot.read(file);
        if (snapshot.term() != info.getTerm() || snapshot.index() != info.getIndex()) {
            throw new ControllerSnapshot.CorruptSnapshotException(file, "it holds (term " + snapshot.term()
                    + ", index " + snapshot.index() + "), its name says (" + info.getTerm() + ", " + info.getIndex()
                    + ")", null);
        }
        MD5Hash expected = info.getFile().getFileDigest();
        if (expected != null && !expected.equals(MD5FileUtil.computeMd5ForFile(file.toFile()))) {
            throw new ControllerSnapshot.CorruptSnapshotException(file, "its content does not match its .md5 file",
                    null);
        }
        synchronized (state) {
            state.replaceAll(snapshot.groups());
            setLastAppliedTermIndex(TermIndex.valueOf(snapshot.term(), snapshot.index()));
        }
        LOG.info("controller peer {}: loaded snapshot {} ({} groups, up to index {})", getId(), file,
                snapshot.groups().size(), snapshot.index());
    }

    /**
     * Ratis' storage answers "no snapshot" also when it could not read the directory or a {@code .md5} file (it only
     * logs a warning): a snapshot file is there, so starting empty would lose the state it holds.
     */
    private void refuseUnlistedSnapshot() throws IOException {
        if (stateMachineDir == null || !Files.isDirectory(stateMachineDir)) {
            return;
        }
        try (Stream<Path> files = Files.list(stateMachineDir)) {
            Optional<Path> snapshot = files.filter(file -> SimpleStateMachineStorage.SNAPSHOT_REGEX
                    .matcher(file.getFileName().toString()).matches()).findFirst();
            if (snapshot.isPresent()) {
                throw new ControllerSnapshot.CorruptSnapshotException(snapshot.get(), "Ratis could not list it as a "
                        + "snapshot (see its warning above; a damaged .md5 file beside it?)", null);
            }
        }
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
