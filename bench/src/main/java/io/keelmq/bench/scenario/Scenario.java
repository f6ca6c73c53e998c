package io.keelmq.bench.scenario;

import io.keelmq.bench.broker.Broker;
import io.keelmq.bench.broker.BrokerKind;
import io.keelmq.bench.report.Results;
import io.keelmq.bench.report.TargetOutcome;

import java.util.List;
import java.util.Map;

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
     * Whether the scenario can run on {@code broker}: every scenario runs on the JMS brokers; RocketMQ, driven through
     * its own client, only where plain sends and receives are the whole workload.
     */
    default boolean runsOn(BrokerKind broker) {
        return broker.jms();
    }

    /** The targets for this scenario, judged against what was measured (never asserted). */
    List<TargetOutcome> targets(Results results);
}
