package io.keelmq.protocol.vm;

import io.keelmq.protocol.frame.Frame;

/** Takes frames from the other side of an in-VM connection. */
public interface FrameSink {

    void accept(Frame frame);

    /** The other side closed the connection; no frame follows. */
    void closed();
}
