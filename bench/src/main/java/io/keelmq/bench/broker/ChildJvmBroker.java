package io.keelmq.bench.broker;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * What KeelMQ's, Artemis's and RocketMQ's broker JVMs have in common: the same JVM options (heap, JMX for the
 * heap probe), a fresh temporary data directory, a log file, SIGTERM to stop.
 */
abstract class ChildJvmBroker implements Broker {
    /** A broker that dies at start is retried on new ports this many times (the JMX port is picked before). */
    private static final int START_ATTEMPTS = 3;

    private final BrokerProcess process;
    private final JmxHeapProbe heap;

    ChildJvmBroker(BrokerProcess process) {
        this.process = process;
        this.heap = new JmxHeapProbe(process.jmxPort());
    }

    /**
     * Starts a broker JVM: {@code java -Xmx.. <JMX options> <mainArguments(dataDir)>}.
     *
     * @param name          used for the temporary directory and the log file, e.g. {@code keel-r1-send}
     * @param mainArguments what follows the JVM options: {@code -jar ...} or {@code -cp ... MainClass}, and the
     *                      broker's own arguments, given its data directory
     */
    static BrokerProcess launch(String name, BrokerSettings settings, String readyPrefix,
                                Function<Path, List<String>> mainArguments) throws IOException, InterruptedException {
        Files.createDirectories(settings.dataRoot());
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        for (int attempt = 1; ; attempt++) {
            Path dataDir = Files.createTempDirectory(settings.dataRoot(), "keel-bench-" + name + "-");
            int jmxPort = FreePort.next();
            List<String> command = new ArrayList<>();
            command.add(java);
            command.add("-Xmx" + settings.xmx());
            command.addAll(JmxHeapProbe.jvmOptions(jmxPort));
            command.addAll(settings.extraJvmOptions());
            command.addAll(mainArguments.apply(dataDir));
            Path log = settings.logDir().resolve(name + ".log");
            try {
                return BrokerProcess.start(name, command, readyPrefix, dataDir, log, jmxPort,
                        settings.startTimeout());
            } catch (BrokerProcess.BrokerStartException e) {
                // Another process may have taken the JMX port between our check and the child's bind.
                if (!e.exited() || attempt == START_ATTEMPTS) {
                    throw e;
                }
                System.err.println("bench: " + name + " did not start (attempt " + attempt + "), retrying");
            }
        }
    }

    InetSocketAddress address() {
        return process.address();
    }

    @Override
    public HeapFigures heapAfterFullGc() throws IOException {
        return heap.afterFullGc();
    }

    @Override
    public Path log() {
        return process.log();
    }

    @Override
    public java.util.OptionalLong pid() {
        return java.util.OptionalLong.of(process.pid());
    }

    @Override
    public void close() {
        heap.close();
        process.close();
    }
}
