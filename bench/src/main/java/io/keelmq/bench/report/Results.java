package io.keelmq.bench.report;

import io.keelmq.bench.broker.BrokerKind;
import io.keelmq.bench.scenario.Measurement;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;

/** Every measurement of a run, in the order taken, and their per-phase, per-broker aggregates. */
public final class Results {
    private final List<Measurement> measurements = new ArrayList<>();

    public void add(Measurement measurement) {
        measurements.add(measurement);
    }

    public List<Measurement> all() {
        return Collections.unmodifiableList(measurements);
    }

    /** Phases in the order they were first measured. */
    public List<String> phases() {
        LinkedHashSet<String> phases = new LinkedHashSet<>();
        measurements.forEach(m -> phases.add(m.phase()));
        return List.copyOf(phases);
    }

    public List<BrokerKind> brokers() {
        LinkedHashSet<BrokerKind> brokers = new LinkedHashSet<>();
        measurements.forEach(m -> brokers.add(m.broker()));
        return List.copyOf(brokers);
    }

    public Optional<Aggregate> aggregate(String phase, BrokerKind broker) {
        List<Measurement> rounds = measurements.stream()
                .filter(m -> m.phase().equals(phase) && m.broker() == broker).toList();
        return rounds.isEmpty() ? Optional.empty() : Optional.of(Aggregate.of(phase, broker, rounds));
    }

    /** KeelMQ's aggregate over {@code other}'s for a phase both ran and supported. */
    public Optional<Ratio> ratio(String phase, BrokerKind other) {
        Optional<Aggregate> keel = aggregate(phase, BrokerKind.KEEL).filter(Aggregate::supported);
        Optional<Aggregate> versus = aggregate(phase, other).filter(Aggregate::supported);
        if (keel.isEmpty() || versus.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(Ratio.of(keel.get(), versus.get()));
    }

    /** KeelMQ's ratio to every other broker that ran the phase, in the order the brokers ran. */
    public List<Ratio> ratios(String phase) {
        return brokers().stream().filter(b -> b != BrokerKind.KEEL).map(b -> ratio(phase, b))
                .flatMap(Optional::stream).toList();
    }
}
