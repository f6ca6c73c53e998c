package io.keelmq.protocol.vm;

/**
 * Found through {@link java.util.ServiceLoader}: the server module provides it, so
 * the client can start or join a broker by name ({@code vm://name}) without a compile
 * dependency on the server.
 */
public interface InVmBrokerFactory {

    /**
     * The broker named {@code name} in this JVM, started with {@code options} (broker
     * settings as key/value strings) if it is not running yet.
     */
    InVmBroker startOrJoin(String name, java.util.Map<String, String> options) throws Exception;
}
