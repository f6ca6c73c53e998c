package io.keelmq.bench.scenario;

import io.keelmq.bench.broker.Broker;
import io.keelmq.bench.load.Load;
import io.keelmq.bench.load.LoadSpec;
import io.keelmq.bench.load.Quota;

/**
 * Sends and receives on a queue of its own for {@code --warmup} before a scenario measures, so both
 * brokers' JIT-compiled paths and the client's are warm and nothing the warm-up sent is left behind
 * in the measured queue or the heap.
 */
final class Warmup {
    private Warmup() {
    }

    static void run(Broker broker, ScenarioContext context, int producers, int consumers) throws Exception {
        if (context.warmup().isZero()) {
            return;
        }
        Load.run(broker.client(), new LoadSpec(context.label(broker, "warm-up"), "bench.warmup")
                .producers(Math.max(1, producers), Quota.duration(context.warmup()))
                .consumers(Math.max(1, consumers))
                .messageSize(context.messageSize())
                .idleTimeout(context.idleTimeout()), context.progress());
    }
}
