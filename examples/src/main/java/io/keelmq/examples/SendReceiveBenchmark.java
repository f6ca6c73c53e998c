package io.keelmq.examples;

import io.keelmq.jms.KeelConnectionFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Persistent queue throughput and send-to-receive latency against a running broker, through the
 * Jakarta Messaging API only:
 * <pre>
 * java -cp examples/target/keel-examples.jar io.keelmq.examples.SendReceiveBenchmark keel://127.0.0.1:10911 \
 *      [secondsPerRun=10] [bodyBytes=256] [producerCounts=1,16]
 * </pre>
 * For each producer count it sends PERSISTENT TextMessages from that many threads (one
 * connection each, synchronous send) to a fresh queue while one consumer receives them, and
 * prints sends per second and the p50/p99/max latency from just before send() to the
 * consumer's listener. Each run starts with a warm-up of a fifth of its time that is not
 * counted. Numbers depend on the disk's fsync time under SYNC_FLUSH; see examples/README.md.
 */
public final class SendReceiveBenchmark {

    private SendReceiveBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 1 || args[0].startsWith("-")) {
            System.err.println("usage: SendReceiveBenchmark BROKER_URL [secondsPerRun=10] [bodyBytes=256] "
                    + "[producerCounts=1,16]");
            System.exit(2);
        }
        String url = args[0];
        long seconds = args.length > 1 ? Long.parseLong(args[1]) : 10;
        int bodyBytes = args.length > 2 ? Integer.parseInt(args[2]) : 256;
        List<Integer> counts = new ArrayList<>();
        for (String count : (args.length > 3 ? args[3] : "1,16").split(",")) {
            counts.add(Integer.parseInt(count.trim()));
        }
        System.out.printf(Locale.ROOT, "KeelMQ send/receive benchmark: %s, PERSISTENT TextMessage of %d bytes, "
                + "one queue, one consumer, %d s per run%n", url, bodyBytes, seconds);
        System.out.println("producers   sends/s   p50 latency   p99 latency   max latency   sent/received");
        for (BenchmarkRun.Result result : run(new KeelConnectionFactory(url), counts, seconds * 1000, bodyBytes)) {
            System.out.printf(Locale.ROOT, "%9d %9.0f %10.2f ms %10.2f ms %10.2f ms   %d/%d%n", result.producers(),
                    result.sendsPerSecond(), result.p50Micros() / 1000.0, result.p99Micros() / 1000.0,
                    result.maxMicros() / 1000.0, result.sent(), result.received());
        }
    }

    /** One run per producer count; a fifth of each run's time is warm-up. */
    static List<BenchmarkRun.Result> run(KeelConnectionFactory factory, List<Integer> producerCounts,
                                         long millisPerRun, int bodyBytes) throws Exception {
        List<BenchmarkRun.Result> results = new ArrayList<>();
        for (int producers : producerCounts) {
            results.add(new BenchmarkRun(factory, producers, millisPerRun / 5, millisPerRun - millisPerRun / 5,
                    bodyBytes).run());
        }
        return results;
    }
}
