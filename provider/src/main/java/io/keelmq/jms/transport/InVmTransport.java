package io.keelmq.jms.transport;

import io.keelmq.protocol.frame.Frame;
import io.keelmq.protocol.vm.FrameSink;
import io.keelmq.protocol.vm.InVmBroker;
import io.keelmq.protocol.vm.InVmBrokerFactory;

import java.io.IOException;
import java.util.Iterator;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * {@code vm://name}: exchanges Frame objects with a broker in this JVM, found through {@link ServiceLoader} so the
 * client needs no compile dependency on the server.
 *
 * <p>It mimics a socket on purpose. Outgoing frames are handed over one at a time under a lock (a socket serialises
 * writes too); incoming frames are queued to a dedicated inbound thread, like a Netty event loop. The broker may
 * therefore answer from inside {@code accept} without ever running client code on its own thread or on the
 * application's, and the client reacts to frames in the order the broker produced them.
 */
public final class InVmTransport implements Transport {
    private static final System.Logger LOG = System.getLogger(InVmTransport.class.getName());

    private final String brokerName;
    private final Map<String, String> brokerOptions;
    private final Object writeLock = new Object();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final AtomicBoolean lossReported = new AtomicBoolean();
    private ExecutorService inbound;
    private FrameSink toBroker;

    /** @param brokerOptions broker settings used if this connection starts the broker */
    public InVmTransport(String brokerName, Map<String, String> brokerOptions) {
        this.brokerName = brokerName;
        this.brokerOptions = Map.copyOf(brokerOptions);
    }

    @Override
    public void connect(TransportListener listener) throws IOException {
        InVmBrokerFactory factory = findFactory();
        InVmBroker broker;
        try {
            broker = factory.startOrJoin(brokerName, brokerOptions);
        } catch (Exception e) {
            throw new IOException("could not start or join the in-VM broker '" + brokerName + "': " + e, e);
        }
        inbound = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "keel-vm-" + brokerName + "-inbound");
            t.setDaemon(true);
            return t;
        });
        toBroker = broker.connect(new FrameSink() {
            @Override
            public void accept(Frame frame) {
                deliver(() -> listener.onFrame(frame));
            }

            @Override
            public void closed() {
                deliver(() -> {
                    if (!closed.get() && lossReported.compareAndSet(false, true)) {
                        listener.onClosed(new IOException("the in-VM broker '" + brokerName
                                + "' closed the connection"));
                    }
                });
            }
        });
    }

    private void deliver(Runnable task) {
        if (closed.get()) {
            return;
        }
        try {
            inbound.execute(() -> {
                try {
                    task.run();
                } catch (RuntimeException e) {
                    LOG.log(System.Logger.Level.WARNING, "frame handler failed on " + describe(), e);
                }
            });
        } catch (RejectedExecutionException e) {
            // Closed concurrently: nobody listens any more.
        }
    }

    @Override
    public CompletableFuture<Void> send(Frame frame) {
        synchronized (writeLock) {
            if (closed.get() || toBroker == null) {
                return CompletableFuture.failedFuture(new IOException("connection to " + describe() + " is closed"));
            }
            try {
                toBroker.accept(frame);
                return CompletableFuture.completedFuture(null);
            } catch (RuntimeException e) {
                return CompletableFuture.failedFuture(new IOException("the in-VM broker '" + brokerName
                        + "' refused a frame: " + e, e));
            }
        }
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        synchronized (writeLock) {
            if (toBroker != null) {
                try {
                    toBroker.closed();
                } catch (RuntimeException e) {
                    LOG.log(System.Logger.Level.DEBUG, "in-VM broker failed while closing a connection", e);
                }
            }
        }
        if (inbound != null) {
            inbound.shutdown();
        }
    }

    @Override
    public String describe() {
        return "vm://" + brokerName;
    }

    private InVmBrokerFactory findFactory() throws IOException {
        // The context class loader first: inside an application server the broker is deployed with the application.
        Iterator<InVmBrokerFactory> factories = ServiceLoader.load(InVmBrokerFactory.class,
                Thread.currentThread().getContextClassLoader()).iterator();
        if (!factories.hasNext()) {
            factories = ServiceLoader.load(InVmBrokerFactory.class, InVmTransport.class.getClassLoader()).iterator();
        }
        if (!factories.hasNext()) {
            throw new IOException("vm://" + brokerName + " needs an in-VM broker on the class path (keel-server); no "
                    + InVmBrokerFactory.class.getName() + " service was found");
        }
        return factories.next();
    }
}
