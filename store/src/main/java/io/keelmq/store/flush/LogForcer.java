package io.keelmq.store.flush;

import java.io.IOException;

/** Forces the commit log and answers the offset below which it is durable. */
@FunctionalInterface
public interface LogForcer {
    long force() throws IOException;
}
