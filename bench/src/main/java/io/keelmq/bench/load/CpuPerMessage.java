package io.keelmq.bench.load;

import java.util.Optional;
import java.util.OptionalLong;

/**
 * CPU milliseconds per 1000 messages of a phase, of the broker JVM and of the bench JVM (its producers and
 * consumers), measured by {@link #start} before the phase and {@link Probe#per} after it.
 */
public record CpuPerMessage(JvmCpu broker, JvmCpu client) {

    /** Reads both JVMs' CPU time now; the broker's is left out where its process is unknown. */
    public static Probe start(OptionalLong brokerPid) {
        return new Probe(brokerPid, read(brokerPid), JvmCpu.self());
    }

    private static Optional<JvmCpu> read(OptionalLong pid) {
        return pid.isPresent() ? JvmCpu.of(pid.getAsLong()) : Optional.empty();
    }

    /** Readings taken before a phase. */
    public record Probe(OptionalLong brokerPid, Optional<JvmCpu> brokerBefore, Optional<JvmCpu> clientBefore) {
        /** Per 1000 of {@code messages} moved since the readings; null where a reading is missing. */
        public CpuPerMessage per(long messages) {
            Optional<JvmCpu> brokerNow = read(brokerPid);
            Optional<JvmCpu> clientNow = JvmCpu.self();
            if (brokerBefore.isEmpty() || brokerNow.isEmpty() || clientBefore.isEmpty() || clientNow.isEmpty()
                    || messages <= 0) {
                return null;
            }
            return new CpuPerMessage(brokerNow.get().since(brokerBefore.get()).perThousand(messages),
                    clientNow.get().since(clientBefore.get()).perThousand(messages));
        }
    }

    /** {@code CPU ms/1000 msgs: broker 39.4 (user 22.3 sys 17.1) client 29.1 (user 11.5 sys 17.6)}. */
    @Override
    public String toString() {
        return "CPU ms/1000 msgs: broker " + broker + " client " + client;
    }
}
