package io.keelmq.server.ha;

import io.keelmq.store.replica.EpochFile;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.handler.codec.LengthFieldBasedFrameDecoder;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The HA channel's frames (server/README.md, "Replication: the HA channel"): an int length of what follows, a type
 * byte, the payload. Big-endian, like the client protocol, but a protocol of its own: only brokers speak it.
 *
 * <pre>
 * HELLO    1  slave → master   int version (1), long slave's log end, int mappedFileSizeCommitLog, epochs, then
 *                              (optional) short length + UTF-8 brokerId of the slave (controller mode names it),
 *                              then (optional) short length + UTF-8 "host:port" where the slave takes clients
 *                              ("" when it has no client listener); a master reads what is there and ignores what
 *                              follows, so either end may be older
 * WELCOME  2  master → slave   short length + UTF-8 "host:port" where the master takes clients, long offset where
 *                              the stream starts, epochs
 *          epochs: int count, then count × (long epoch, long startOffset), oldest first
 * DATA     3  master → slave   long offset, then whole commit-log records exactly as the master wrote them
 * ACK      4  slave → master   long written (log end), long forced (durable end)
 * REFUSED  5  master → slave   short length + UTF-8 reason; the master closes the connection
 * STATE    6  master → slave   int count, then count × (short length + UTF-8 section name, int length + content):
 *                              state outside the commit log, each section whole ({@link ReplicatedState})
 * </pre>
 */
final class HaFrames {
    static final int VERSION = 1;
    static final byte HELLO = 1;
    static final byte WELCOME = 2;
    static final byte DATA = 3;
    static final byte ACK = 4;
    static final byte REFUSED = 5;
    static final byte STATE = 6;
    /** Bytes of records a DATA frame carries at most (one larger record goes alone). */
    static final int CHUNK = 256 * 1024;

    private HaFrames() {
    }

    /** Splits the stream into frames (length field stripped); {@code largestRecord} bounds a DATA frame. */
    static LengthFieldBasedFrameDecoder decoder(int largestRecord) {
        return new LengthFieldBasedFrameDecoder(maxFrame(largestRecord), 0, 4, 0, 4);
    }

    /** The largest frame (after its length field) either end takes, given the largest record. */
    static int maxFrame(int largestRecord) {
        return Math.max(CHUNK, largestRecord) + 64;
    }

    /** Bytes after the length field of a STATE frame holding {@code sections}. */
    static int stateLength(List<ReplicatedState.Section> sections) {
        int length = 1 + 4;
        for (ReplicatedState.Section section : sections) {
            length += 2 + section.name().getBytes(StandardCharsets.UTF_8).length + 4 + section.content().length;
        }
        return length;
    }

    static ByteBuf state(ByteBufAllocator alloc, List<ReplicatedState.Section> sections) {
        int length = stateLength(sections);
        ByteBuf out = alloc.buffer(4 + length).writeInt(length).writeByte(STATE).writeInt(sections.size());
        for (ReplicatedState.Section section : sections) {
            byte[] name = section.name().getBytes(StandardCharsets.UTF_8);
            out.writeShort(name.length).writeBytes(name).writeInt(section.content().length)
                    .writeBytes(section.content());
        }
        return out;
    }

    /** The sections of a STATE frame (its type byte read). */
    static List<ReplicatedState.Section> readState(ByteBuf in) {
        int count = in.readInt();
        if (count < 0 || count > in.readableBytes() / 6) {
            throw new IndexOutOfBoundsException("bad section count " + count);
        }
        List<ReplicatedState.Section> sections = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            String name = readText(in);
            int length = in.readInt();
            if (length < 0 || length > in.readableBytes()) {
                throw new IndexOutOfBoundsException("bad length " + length + " of section " + name);
            }
            byte[] content = new byte[length];
            in.readBytes(content);
            sections.add(new ReplicatedState.Section(name, content));
        }
        return sections;
    }

    static ByteBuf hello(ByteBufAllocator alloc, long logEnd, int segmentSize, List<EpochFile.Entry> epochs,
                         String slaveId, String slaveClientAddress) {
        byte[] id = slaveId.getBytes(StandardCharsets.UTF_8);
        byte[] clients = slaveClientAddress.getBytes(StandardCharsets.UTF_8);
        int length = 21 + 16 * epochs.size() + 2 + id.length + 2 + clients.length;
        ByteBuf out = alloc.buffer(4 + length);
        out.writeInt(length).writeByte(HELLO).writeInt(VERSION).writeLong(logEnd).writeInt(segmentSize);
        return writeEpochs(out, epochs).writeShort(id.length).writeBytes(id)
                .writeShort(clients.length).writeBytes(clients);
    }

    static ByteBuf welcome(ByteBufAllocator alloc, String clientAddress, long startOffset,
                           List<EpochFile.Entry> epochs) {
        byte[] address = clientAddress.getBytes(StandardCharsets.UTF_8);
        int length = 1 + 2 + address.length + 8 + 4 + 16 * epochs.size();
        ByteBuf out = alloc.buffer(4 + length).writeInt(length).writeByte(WELCOME).writeShort(address.length)
                .writeBytes(address).writeLong(startOffset);
        return writeEpochs(out, epochs);
    }

    private static ByteBuf writeEpochs(ByteBuf out, List<EpochFile.Entry> epochs) {
        out.writeInt(epochs.size());
        for (EpochFile.Entry entry : epochs) {
            out.writeLong(entry.epoch()).writeLong(entry.startOffset());
        }
        return out;
    }

    static List<EpochFile.Entry> readEpochs(ByteBuf in) {
        int count = in.readInt();
        if (count < 0 || count > in.readableBytes() / 16) {
            throw new IndexOutOfBoundsException("bad epoch count " + count);
        }
        List<EpochFile.Entry> epochs = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            epochs.add(new EpochFile.Entry(in.readLong(), in.readLong()));
        }
        return epochs;
    }

    static ByteBuf text(ByteBufAllocator alloc, byte type, String text) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        int length = Math.min(bytes.length, 4096);
        return alloc.buffer(7 + length).writeInt(3 + length).writeByte(type).writeShort(length)
                .writeBytes(bytes, 0, length);
    }

    static String readText(ByteBuf in) {
        int length = in.readUnsignedShort();
        return in.readCharSequence(length, StandardCharsets.UTF_8).toString();
    }

    static ByteBuf data(ByteBufAllocator alloc, long offset, ByteBuffer records) {
        ByteBuf out = alloc.buffer(13 + records.remaining());
        return out.writeInt(9 + records.remaining()).writeByte(DATA).writeLong(offset).writeBytes(records.duplicate());
    }

    static ByteBuf ack(ByteBufAllocator alloc, long written, long forced) {
        return alloc.buffer(21).writeInt(17).writeByte(ACK).writeLong(written).writeLong(forced);
    }

    /** Sends REFUSED with {@code reason}, then closes. */
    static void refuse(Channel channel, String reason) {
        channel.writeAndFlush(text(channel.alloc(), REFUSED, reason))
                .addListener(done -> channel.close());
    }
}
