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
 */
public record BrokerSettings(String xmx, FlushMode flush, Path dataRoot, Path logDir, Path keelServerJar,
                             long artemisBufferTimeoutNanos, Duration startTimeout, List<String> extraJvmOptions,
                             List<String> keelBrokerOptions) {
    public BrokerSettings {
        extraJvmOptions = List.copyOf(extraJvmOptions);
        keelBrokerOptions = List.copyOf(keelBrokerOptions);
    }
}
