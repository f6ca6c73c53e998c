package io.keelmq.ra.testing;

import io.keelmq.server.Broker;
import io.keelmq.server.config.BrokerConfig;
import io.keelmq.server.config.ConfigKeys;
import io.keelmq.server.config.DelayLevels;

import java.nio.file.Path;

/**
 * A real broker in the test JVM on an ephemeral port, small files, a short redelivery back-off; {@link #restart()}
 * brings it back on the same port and store, as an operator's restart would, so clients that reconnect to the same
 * URL find it.
 */
public final class EmbeddedBroker implements AutoCloseable {
    private final Path dir;
    private final int maxReconsumeTimes;
    private Broker broker;
    private int port;

    private EmbeddedBroker(Path dir, int maxReconsumeTimes) {
        this.dir = dir;
        this.maxReconsumeTimes = maxReconsumeTimes;
    }

    public static EmbeddedBroker start(Path dir) throws Exception {
        return start(dir, 16);
    }

    public static EmbeddedBroker start(Path dir, int maxReconsumeTimes) throws Exception {
        EmbeddedBroker embedded = new EmbeddedBroker(dir, maxReconsumeTimes);
        embedded.broker = Broker.start(embedded.config(0).build());
        embedded.port = embedded.broker.listenAddress().getPort();
        return embedded;
    }

    private BrokerConfig.Builder config(int listenPort) {
        return BrokerConfig.builder()
                .set(ConfigKeys.LISTEN_PORT, listenPort)
                .set(ConfigKeys.STORE_PATH_ROOT_DIR, dir)
                .set(ConfigKeys.MAPPED_FILE_SIZE_COMMIT_LOG, 4 << 20)
                .set(ConfigKeys.MAX_MESSAGE_SIZE, 1 << 20)
                .set(ConfigKeys.MAX_HASH_SLOT_NUM, 10_000)
                .set(ConfigKeys.MAX_INDEX_NUM, 40_000)
                .set(ConfigKeys.CONSUME_QUEUE_ENTRIES_PER_FILE, 10_000)
                .set(ConfigKeys.SERVER_WORKER_THREADS, 4)
                .set(ConfigKeys.SERVER_SELECTOR_THREADS, 2)
                .set(ConfigKeys.MAX_RECONSUME_TIMES, maxReconsumeTimes)
                // Redeliveries after the first wait 100 ms, not the default 10 s and up.
                .set(ConfigKeys.REDELIVERY_DELAY_LEVELS, DelayLevels.parse("100ms"));
    }

    public String url() {
        return "keel://127.0.0.1:" + port;
    }

    public Broker broker() {
        return broker;
    }

    /** Stops the broker (clients see their connections drop). */
    public void stop() {
        if (broker != null) {
            broker.close();
            broker = null;
        }
    }

    /** Starts it again on the same port and store. */
    public void restart() throws Exception {
        stop();
        broker = Broker.start(config(port).build());
    }

    @Override
    public void close() {
        stop();
    }
}
