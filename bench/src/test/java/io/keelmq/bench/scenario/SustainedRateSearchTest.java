package io.keelmq.bench.scenario;

import io.keelmq.bench.broker.Broker;
import io.keelmq.bench.broker.BrokerKind;
import io.keelmq.bench.broker.HeapFigures;
import io.keelmq.bench.load.LoadResult;
import jakarta.jms.ConnectionFactory;
import org.junit.jupiter.api.Test;

import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The search for the highest sustained rate, on simulated phases of 10 s. */
class SustainedRateSearchTest {
    private static final double SECONDS = 10;

    /** A broker whose consumers keep up to {@code consumeLimit} msgs/s and whose producers send up to sendLimit. */
    private static SustainedRateSearch.PhaseLoad simulated(double consumeLimit, double sendLimit, List<Double> rates) {
        return (broker, context, phase, rate) -> {
            rates.add(rate);
            long sent = Math.round(Math.min(rate, sendLimit) * SECONDS);
            long receivedByEnd = Math.min(sent, Math.round(consumeLimit * SECONDS));
            long start = 0;
            long end = (long) (SECONDS * 1e9);
            return new LoadResult(sent, sent, start, end, end, null, null, false, null, receivedByEnd);
        };
    }

    private static List<Measurement> search(SustainedRateSearch.PhaseLoad load, double maxRate) throws Exception {
        SustainedRateSearch search = new SustainedRateSearch("", load, (broker, context, phase, result, rate,
                meaning) -> Measurement.of(phase, broker.kind(), context.round()).offeredRate(rate));
        return search.run(new StubBroker(), new ScenarioContext(1, 1024, Duration.ZERO, Duration.ofSeconds(1),
                new PrintStream(OutputStream.nullOutputStream())), maxRate);
    }

    @Test
    void raisesTheRateByTenPercentUntilTheQueueGrowsAndReportsTheLastThatPassed() throws Exception {
        List<Double> rates = new ArrayList<>();
        List<Measurement> found = search(simulated(1_500, Double.MAX_VALUE, rates), 2_000);
        assertEquals(List.of(1_000.0, 1_100.0, 1_210.0, 1_331.0, 1_464.0, 1_610.0, 732.0), rates,
                "from half of e2e-max, 10 % per step, until the depth passes 1 % (at 1,610: 6.8 %); then the "
                        + "latency phase at half of the sustained rate");
        assertEquals(1_464, found.get(0).offeredRate());
        assertEquals("e2e-sustained", found.get(0).phase());
        assertEquals("e2e-half-sustained", found.get(1).phase());
        assertEquals(732, found.get(1).offeredRate(), "half of KeelMQ's sustained rate");
    }

    @Test
    void aRateTheProducersCouldNotSendIsNotSustained() throws Exception {
        List<Double> rates = new ArrayList<>();
        List<Measurement> found = search(simulated(Double.MAX_VALUE, 1_150, rates), 2_000);
        assertEquals(1_100, found.get(0).offeredRate(), "1,210 was offered, but only 1,150 per second were sent");
    }

    @Test
    void aFirstRateThatFailsIsHalved() throws Exception {
        List<Double> rates = new ArrayList<>();
        List<Measurement> found = search(simulated(400, Double.MAX_VALUE, rates), 2_000);
        assertEquals(List.of(1_000.0, 500.0, 250.0, 275.0, 303.0, 333.0, 366.0, 403.0, 443.0, 201.0), rates,
                "403 leaves a depth of 0.74 %, 443 one of 9.7 %");
        assertEquals(403, found.get(0).offeredRate());
    }

    private static final class StubBroker implements Broker {
        @Override
        public BrokerKind kind() {
            return BrokerKind.KEEL;
        }

        @Override
        public ConnectionFactory connectionFactory() {
            throw new IllegalStateException("simulated phases need no connection");
        }

        @Override
        public HeapFigures heapAfterFullGc() {
            throw new IllegalStateException("simulated phases read no heap");
        }

        @Override
        public Path log() {
            return Path.of("simulated.log");
        }

        @Override
        public void close() {
        }
    }
}
