package io.keelmq.server.ha.controller;

import io.keelmq.store.io.ChannelFileLayer;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.zip.CRC32C;

/**
 * One Raft snapshot of the controller: everything {@link ControllerState} holds (every group's members, master,
 * master epoch, in-sync set and its epoch) and the last Raft entry applied to it (term, index). Ratis names the file
 * {@code snapshot.<term>_<index>} in the peer's state machine directory and ships it whole to a follower too far
 * behind to be sent the log.
 *
 * <p>Format version {@value #VERSION}, big-endian ({@link DataOutputStream}; strings are its modified UTF-8):
 * <pre>
 * bytes  "KEELCSNP"                       magic
 * int    version (1)
 * long   term, long index                 the last applied entry
 * int    groups, then per group:
 *   UTF  group name, UTF master ("" for none), long masterEpoch, long inSyncEpoch
 *   int  in-sync ids, then each: UTF id
 *   int  members, then each: UTF id, UTF clientAddress, UTF haAddress, long heartbeatTimeoutMillis
 * long   CRC32C of every byte before it
 * </pre>
 * A file that is short, has bytes after its checksum, another magic or version, or a checksum that does not match
 * is refused with a {@link CorruptSnapshotException} naming the file: a controller never starts from a state it
 * could not read whole.
 */
record ControllerSnapshot(long term, long index, List<GroupView> groups) {
    static final int VERSION = 1;
    private static final byte[] MAGIC = "KEELCSNP".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    /** A snapshot file that cannot be read whole; the message names the file and what is wrong with it. */
    static final class CorruptSnapshotException extends IOException {
        CorruptSnapshotException(Path file, String problem, Throwable cause) {
            super("controller snapshot " + file.toAbsolutePath() + " is unreadable: " + problem + ". The peer does not "
                    + "start from it; restore the file, or, while the other peers are up, empty this peer's controller "
                    + "storage: the leader then sends it its snapshot", cause);
        }
    }

    ControllerSnapshot {
        groups = List.copyOf(groups);
    }

    static ControllerSnapshot of(long term, long index, Collection<GroupView> groups) {
        return new ControllerSnapshot(term, index, new ArrayList<>(groups));
    }

    /**
     * Writes this snapshot to {@code file} so that after a crash either no file or the whole of it is found: a
     * temporary file, forced, renamed over it, the directory forced.
     */
    void writeTo(Path file) throws IOException {
        ChannelFileLayer.INSTANCE.writeAtomically(file, encode());
    }

    byte[] encode() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.write(MAGIC);
            out.writeInt(VERSION);
            out.writeLong(term);
            out.writeLong(index);
            out.writeInt(groups.size());
            for (GroupView group : groups) {
                out.writeUTF(group.group());
                out.writeUTF(group.master());
                out.writeLong(group.masterEpoch());
                out.writeLong(group.inSyncEpoch());
                out.writeInt(group.inSync().size());
                for (String id : group.inSync()) {
                    out.writeUTF(id);
                }
                out.writeInt(group.members().size());
                for (GroupView.Member member : group.members().values()) {
                    out.writeUTF(member.id());
                    out.writeUTF(member.clientAddress());
                    out.writeUTF(member.haAddress());
                    out.writeLong(member.heartbeatTimeoutMillis());
                }
            }
            CRC32C crc = new CRC32C();
            crc.update(bytes.toByteArray());
            out.writeLong(crc.getValue());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot happen: writing to memory", e);
        }
        return bytes.toByteArray();
    }

    /** Reads the snapshot in {@code file}; a file that cannot be read whole is a {@link CorruptSnapshotException}. */
    static ControllerSnapshot read(Path file) throws IOException {
        byte[] content;
        try {
            content = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new CorruptSnapshotException(file, "the file is missing", e);
        }
        return decode(file, content);
    }

    static ControllerSnapshot decode(Path file, byte[] content) throws CorruptSnapshotException {
        if (content.length < MAGIC.length + Integer.BYTES + Long.BYTES
                || !Arrays.equals(content, 0, MAGIC.length, MAGIC, 0, MAGIC.length)) {
            throw new CorruptSnapshotException(file, "it does not start with " + new String(MAGIC,
                    java.nio.charset.StandardCharsets.US_ASCII) + " (" + content.length + " bytes)", null);
        }
        DataInputStream in = new DataInputStream(new ByteArrayInputStream(content));
        try {
            in.skipNBytes(MAGIC.length);
            int version = in.readInt();
            if (version != VERSION) {
                throw new CorruptSnapshotException(file, "format version " + version + " is unknown (this controller "
                        + "reads version " + VERSION + ")", null);
            }
            CRC32C crc = new CRC32C();
            crc.update(content, 0, content.length - Long.BYTES);
            long stored = java.nio.ByteBuffer.wrap(content, content.length - Long.BYTES, Long.BYTES).getLong();
            if (stored != crc.getValue()) {
                throw new CorruptSnapshotException(file, "its checksum does not match (truncated or damaged; "
                        + content.length + " bytes)", null);
            }
            long term = in.readLong();
            long index = in.readLong();
            int groupCount = count(in, file, "groups");
            List<GroupView> groups = new ArrayList<>(groupCount);
            for (int g = 0; g < groupCount; g++) {
                String name = in.readUTF();
                String master = in.readUTF();
                long masterEpoch = in.readLong();
                long inSyncEpoch = in.readLong();
                int inSyncCount = count(in, file, "in-sync ids");
                Set<String> inSync = new TreeSet<>();
                for (int i = 0; i < inSyncCount; i++) {
                    inSync.add(in.readUTF());
                }
                int memberCount = count(in, file, "members");
                Map<String, GroupView.Member> members = new LinkedHashMap<>();
                for (int m = 0; m < memberCount; m++) {
                    GroupView.Member member = new GroupView.Member(in.readUTF(), in.readUTF(), in.readUTF(),
                            in.readLong());
                    members.put(member.id(), member);
                }
                groups.add(new GroupView(name, members, master, masterEpoch, inSync, inSyncEpoch));
            }
            if (in.available() != Long.BYTES) {
                throw new CorruptSnapshotException(file, (in.available() - Long.BYTES)
                        + " bytes between its last group and its checksum", null);
            }
            return new ControllerSnapshot(term, index, groups);
        } catch (EOFException e) {
            throw new CorruptSnapshotException(file, "it ends inside a record (" + content.length + " bytes)", e);
        } catch (CorruptSnapshotException e) {
            throw e;
        } catch (IOException e) {
            throw new CorruptSnapshotException(file, e.toString(), e);
        }
    }

    private static int count(DataInputStream in, Path file, String what) throws IOException {
        int count = in.readInt();
        if (count < 0 || count > in.available()) {
            throw new CorruptSnapshotException(file, "a count of " + what + " of " + count + " cannot be right", null);
        }
        return count;
    }
}
