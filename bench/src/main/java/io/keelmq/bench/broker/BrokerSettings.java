package io.keelmq.bench.broker;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * What both broker JVMs share so the comparison is fair (same heap, same durability, data on the same
 * file system), plus where each broker's own pieces are.
 *
 * @param xmx                       the -Xmx of every broker JVM, e.g. {@code 1g}
 * @param flush                     durability of a persistent send
 * @param dataRoot                  parent of each broker's temporary data directory
 * @param logDir                    where each broker's output is kept
 * @param keelServerJar             server/target/keel-server.jar
 * @param artemisBufferTimeoutNanos Artemis journal-buffer-timeout (its group-commit window)
 * @param startTimeout              how long a broker may take to print its ready line
 * @param extraJvmOptions           added to every broker JVM's command line, the same for all (profiling,
 *                                  GC logging); empty for a comparison run
 * @param keelBrokerOptions         {@code key=value} settings of the KeelMQ broker, passed as {@code --key=value}
 *                                  (experiments such as {@code commitLogPrefill=false}); empty for its defaults
 * @param rocketMqDir               bench-rocketmq/target: the RocketMQ launchers and client bridge and the class path
 *                                  of RocketMQ's jars ({@link RocketMqJars})
 * @param replicated                each broker as a replicated pair on this machine: KeelMQ a SYNC_MASTER with one
 *                                  slave, Artemis a replicated primary with its backup; clients use the master/primary
 */
public record BrokerSettings(String xmx, FlushMode flush, Path dataRoot, Path logDir, Path keelServerJar,
                             long artemisBufferTimeoutNanos, Duration startTimeout, List<String> extraJvmOptions,
                             List<String> keelBrokerOptions, Path rocketMqDir, boolean replicated) {
    public BrokerSettings {
        extraJvmOptions = List.copyOf(extraJvmOptions);
        keelBrokerOptions = List.copyOf(keelBrokerOptions);
    }

    /** The same settings with another heap, for a helper JVM such as RocketMQ's name server. */
    public BrokerSettings withXmx(String otherXmx) {
        return new BrokerSettings(otherXmx, flush, dataRoot, logDir, keelServerJar, artemisBufferTimeoutNanos,
                startTimeout, extraJvmOptions, keelBrokerOptions, rocketMqDir, replicated);
    }
}
