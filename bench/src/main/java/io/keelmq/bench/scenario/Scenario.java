package io.keelmq.bench.scenario;

import io.keelmq.bench.broker.Broker;
import io.keelmq.bench.broker.BrokerKind;
import io.keelmq.bench.report.Results;
import io.keelmq.bench.report.TargetOutcome;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * A workload run the same way against every broker, through the same load loops ({@code Load}). A scenario object lives
 * for the whole benchmark run (all rounds, both brokers), so it can carry what one broker's figures
 * decide for the others (e2e's rate).
 */
public interface Scenario {
    /** The command's name: {@code send}, {@code e2e}, {@code backlog}, {@code transacted}. */
    String name();

    /** Its settings, for the header and the JSON summary. */
    Map<String, Object> settings();

    /** Runs on a freshly started broker; one measurement per phase. */
    List<Measurement> run(Broker broker, ScenarioContext context) throws Exception;

    /**
     * Why the scenario, with the options it was given, cannot run on {@code broker}, or empty if it can: every scenario
     * runs on the JMS brokers; RocketMQ, driven through its own client, only where plain sends and receives are the
     * whole workload. Checked for every broker before any starts; the reason is the usage error.
     */
    default Optional<String> refusal(BrokerKind broker) {
        if (broker.jms()) {
            return Optional.empty();
        }
        return Optional.of(name() + " does not run on " + broker.label() + ": it needs a Jakarta Messaging client, and "
                + broker.label() + " is driven through its own (--vs " + broker.label().toLowerCase(Locale.ROOT)
                + " is for send and e2e)");
    }

    /** The targets for this scenario, judged against what was measured (never asserted). */
    List<TargetOutcome> targets(Results results);
}
