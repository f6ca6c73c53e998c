package io.keelmq.protocol.frame;

import io.netty.buffer.ByteBuf;

/**
 * A frame body written straight into the outbound buffer when the frame is encoded, instead of being built in an
 * array first and copied from it: a PULL answer of hundreds of delivered messages is written from the messages' own
 * arrays into the buffer Netty writes to the socket. What it writes must not change once the frame is handed over
 * (the frame may be encoded later, on another thread): it reads only arrays nobody modifies.
 */
public interface FrameBody {
    /** The number of bytes {@link #writeTo} appends. */
    int length();

    /** Appends exactly {@link #length()} bytes to {@code out}; may be called more than once, same bytes each time. */
    void writeTo(ByteBuf out);
}
