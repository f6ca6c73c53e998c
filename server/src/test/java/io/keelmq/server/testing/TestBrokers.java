package io.keelmq.server.testing;

import io.keelmq.server.Broker;
import io.keelmq.server.config.BrokerConfig;
import io.keelmq.server.config.ConfigKeys;

import java.nio.file.Path;

/** Brokers for tests: ephemeral port, the given directory, small segments and index files. */
public final class TestBrokers {

    private TestBrokers() {
    }

    public static BrokerConfig.Builder config(Path dir) {
        return BrokerConfig.builder()
                .set(ConfigKeys.LISTEN_PORT, 0)
                .set(ConfigKeys.STORE_PATH_ROOT_DIR, dir)
                .set(ConfigKeys.MAPPED_FILE_SIZE_COMMIT_LOG, 4 << 20)
                .set(ConfigKeys.MAX_MESSAGE_SIZE, 1 << 20)
                .set(ConfigKeys.MAX_HASH_SLOT_NUM, 10_000)
                .set(ConfigKeys.MAX_INDEX_NUM, 40_000)
                .set(ConfigKeys.CONSUME_QUEUE_ENTRIES_PER_FILE, 10_000)
                .set(ConfigKeys.SERVER_WORKER_THREADS, 4)
                .set(ConfigKeys.SERVER_SELECTOR_THREADS, 2);
    }

    public static Broker start(Path dir) throws Exception {
        return Broker.start(config(dir).build());
    }
}
