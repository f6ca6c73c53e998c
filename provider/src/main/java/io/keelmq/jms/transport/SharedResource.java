package io.keelmq.jms.transport;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * A JVM-wide client resource that connections share (the Netty event-loop group, the provider's timer thread, the
 * blocking transport's watchdog): created by its first user, shut down when the last user releases it, created again
 * by the next. So once every KeelMQ connection of a JVM, or of an application server's deployment, is closed, no
 * KeelMQ thread is left; {@link #awaitAllReleased} waits until their threads have ended.
 *
 * <p>One per kind, in a static field of the class that uses it; acquire and release must pair (a transport releases
 * in its idempotent close).
 */
public final class SharedResource<T> {
    /** What to do with an instance: make it, stop it, wait for its threads. */
    public interface Lifecycle<T> {
        T create();

        void shutdown(T instance);

        /** @return true once the instance's threads have ended, false if they have not within the time */
        boolean awaitTermination(T instance, long timeoutMillis) throws InterruptedException;
    }

    private static final List<SharedResource<?>> ALL = new CopyOnWriteArrayList<>();

    private final String name;
    private final Lifecycle<T> lifecycle;
    private T instance;
    private int users;
    /** Shut down and perhaps not yet terminated; awaited by {@link #awaitAllReleased}. */
    private final List<T> stopping = new CopyOnWriteArrayList<>();

    private SharedResource(String name, Lifecycle<T> lifecycle) {
        this.name = name;
        this.lifecycle = lifecycle;
    }

    public static <T> SharedResource<T> of(String name, Lifecycle<T> lifecycle) {
        SharedResource<T> resource = new SharedResource<>(name, lifecycle);
        ALL.add(resource);
        return resource;
    }

    /** A simple lifecycle from a factory and the two other steps. */
    public static <T> Lifecycle<T> lifecycle(Supplier<T> create, java.util.function.Consumer<T> shutdown,
                                             Awaiter<T> await) {
        return new Lifecycle<>() {
            @Override
            public T create() {
                return create.get();
            }

            @Override
            public void shutdown(T instance) {
                shutdown.accept(instance);
            }

            @Override
            public boolean awaitTermination(T instance, long timeoutMillis) throws InterruptedException {
                return await.await(instance, timeoutMillis);
            }
        };
    }

    public interface Awaiter<T> {
        boolean await(T instance, long timeoutMillis) throws InterruptedException;
    }

    /** The current instance, created if there is none; the caller must {@link #release} it exactly once. */
    public synchronized T acquire() {
        if (instance == null) {
            instance = lifecycle.create();
        }
        users++;
        return instance;
    }

    /** Gives back an instance {@link #acquire} returned; the last user's release shuts it down. */
    public void release(T used) {
        T toStop = null;
        synchronized (this) {
            if (used == null || used != instance || users == 0) {
                return;
            }
            if (--users == 0) {
                toStop = instance;
                instance = null;
                stopping.add(toStop);
            }
        }
        if (toStop != null) {
            lifecycle.shutdown(toStop);
            forgetTerminated();
        }
    }

    /**
     * Drops the instances whose threads have ended from {@link #stopping}. Without this, a JVM that opens and closes
     * connections again and again (a test suite, an application without a pool) would keep every event-loop group it
     * ever shut down: {@link #awaitAllReleased} is called only by the resource adapter's stop.
     */
    private void forgetTerminated() {
        for (T stopped : stopping) {
            try {
                if (lifecycle.awaitTermination(stopped, 0)) {
                    stopping.remove(stopped);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /** Instances shut down whose threads have not been seen to end yet (for tests). */
    int stoppingCount() {
        return stopping.size();
    }

    synchronized int users() {
        return users;
    }

    /**
     * Waits until no shared resource is in use and the threads of every one shut down have ended.
     *
     * @return true if so within the time; false if a connection still holds one (it was not closed) or a thread
     *         did not end
     */
    public static boolean awaitAllReleased(long timeoutMillis) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        for (SharedResource<?> resource : ALL) {
            if (!resource.awaitReleased(deadline)) {
                return false;
            }
        }
        return true;
    }

    private boolean awaitReleased(long deadlineNanos) throws InterruptedException {
        while (users() > 0) {
            if (System.nanoTime() - deadlineNanos > 0) {
                return false;
            }
            Thread.sleep(10);
        }
        for (T stopped : stopping) {
            long left = TimeUnit.NANOSECONDS.toMillis(deadlineNanos - System.nanoTime());
            if (!lifecycle.awaitTermination(stopped, Math.max(0, left))) {
                return false;
            }
            stopping.remove(stopped);
        }
        return true;
    }

    @Override
    public String toString() {
        return "SharedResource[" + name + ", " + users() + " users]";
    }
}
