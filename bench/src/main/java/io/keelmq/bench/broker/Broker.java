package io.keelmq.bench.broker;

import jakarta.jms.ConnectionFactory;
import jakarta.jms.JMSException;

import java.io.IOException;
import java.nio.file.Path;

/** A running broker the scenarios drive through jakarta.jms only, whichever broker it is. */
public interface Broker extends AutoCloseable {
    BrokerKind kind();

    /** A new factory for this broker's address; every producer and consumer opens its own connection from it. */
    ConnectionFactory connectionFactory() throws JMSException;

    /** The broker JVM's heap after a full GC. */
    HeapFigures heapAfterFullGc() throws IOException;

    /** Where the broker's output goes. */
    Path log();

    /** Stops the broker JVM and deletes its data. */
    @Override
    void close();
}
