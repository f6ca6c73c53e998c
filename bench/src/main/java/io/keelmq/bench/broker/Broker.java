package io.keelmq.bench.broker;

import io.keelmq.bench.load.LoadClient;

import java.io.IOException;
import java.nio.file.Path;

/** A running broker the scenarios drive through a {@link LoadClient}, whichever broker it is. */
public interface Broker extends AutoCloseable {
    BrokerKind kind();

    /** The client the load loops use; every producer and consumer opens its own connection through it. */
    LoadClient client() throws Exception;

    /** The broker JVM's heap after a full GC. */
    HeapFigures heapAfterFullGc() throws IOException;

    /** The broker JVM's process id, for reading its CPU time; empty where it is not a process of its own. */
    default java.util.OptionalLong pid() {
        return java.util.OptionalLong.empty();
    }

    /** Where the broker's output goes. */
    Path log();

    /** Stops the broker JVM and deletes its data. */
    @Override
    void close();
}
