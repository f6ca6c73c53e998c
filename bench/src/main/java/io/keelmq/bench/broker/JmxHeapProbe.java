package io.keelmq.bench.broker;

import javax.management.MBeanServerConnection;
import javax.management.remote.JMXConnector;
import javax.management.remote.JMXConnectorFactory;
import javax.management.remote.JMXServiceURL;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.management.MemoryUsage;
import java.util.List;

/**
 * Reads a broker JVM's heap over JMX. Each broker JVM is started with the JDK's own JMX agent on a
 * loopback port ({@link #jvmOptions}): it needs nothing from the broker, works the same for KeelMQ and
 * Artemis, and, unlike the attach API or {@code jcmd}, does not depend on both JVMs sharing a
 * {@code /tmp} and a user, which containers and CI sandboxes do not always give.
 *
 * <p>The figure is the heap in use right after a full collection ({@link MemoryMXBean#gc()}): the
 * live set the broker retains, not garbage that a collector has not reached yet.
 */
public final class JmxHeapProbe implements AutoCloseable {
    private final int port;
    private JMXConnector connector;
    private MemoryMXBean memory;

    JmxHeapProbe(int port) {
        this.port = port;
    }

    /** Options that open an unauthenticated JMX agent bound to 127.0.0.1 only (a benchmark's throwaway JVM). */
    static List<String> jvmOptions(int port) {
        return List.of(
                "-Dcom.sun.management.jmxremote.port=" + port,
                "-Dcom.sun.management.jmxremote.rmi.port=" + port,
                "-Dcom.sun.management.jmxremote.host=127.0.0.1",
                "-Djava.rmi.server.hostname=127.0.0.1",
                "-Dcom.sun.management.jmxremote.authenticate=false",
                "-Dcom.sun.management.jmxremote.ssl=false",
                "-Dcom.sun.management.jmxremote.local.only=true");
    }

    /** Runs a full GC in the broker JVM, then reads its heap. */
    public HeapFigures afterFullGc() throws IOException {
        MemoryMXBean bean = memory();
        bean.gc();
        MemoryUsage heap = bean.getHeapMemoryUsage();
        return new HeapFigures(heap.getUsed(), heap.getCommitted(), heap.getMax());
    }

    private synchronized MemoryMXBean memory() throws IOException {
        if (memory == null) {
            JMXServiceURL url = new JMXServiceURL("service:jmx:rmi:///jndi/rmi://127.0.0.1:" + port + "/jmxrmi");
            connector = JMXConnectorFactory.connect(url);
            MBeanServerConnection connection = connector.getMBeanServerConnection();
            memory = ManagementFactory.newPlatformMXBeanProxy(connection, ManagementFactory.MEMORY_MXBEAN_NAME,
                    MemoryMXBean.class);
        }
        return memory;
    }

    @Override
    public synchronized void close() {
        if (connector != null) {
            try {
                connector.close();
            } catch (IOException e) {
                // The broker is going away; its JMX connection goes with it.
            }
            connector = null;
            memory = null;
        }
    }
}
