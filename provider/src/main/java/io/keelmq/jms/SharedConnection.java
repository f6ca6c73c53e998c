package io.keelmq.jms;

import jakarta.jms.IllegalStateRuntimeException;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * A connection used by one or more JMSContexts (createContext(int) shares its connection): the last context to close
 * closes the connection (spec 6.1.8).
 */
final class SharedConnection {
    private final KeelConnection connection;
    private final AtomicInteger users = new AtomicInteger(1);

    SharedConnection(KeelConnection connection) {
        this.connection = connection;
    }

    KeelConnection connection() {
        return connection;
    }

    void acquire() {
        int current;
        do {
            current = users.get();
            if (current == 0) {
                throw new IllegalStateRuntimeException("the connection of this JMSContext is closed");
            }
        } while (!users.compareAndSet(current, current + 1));
    }

    void release() {
        if (users.decrementAndGet() == 0) {
            JmsExceptionSupport.unchecked(connection::close);
        }
    }
}
