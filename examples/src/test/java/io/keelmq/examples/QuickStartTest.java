package io.keelmq.examples;

import io.keelmq.server.Broker;
import io.keelmq.server.config.BrokerConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

class QuickStartTest {

    @Test
    void sendsAndReceivesThroughJndiAgainstARunningBroker(@TempDir Path dir) throws Exception {
        BrokerConfig config = BrokerConfig.builder()
                .set("listenPort", "0")
                .set("storePathRootDir", dir.toString())
                .set("mappedFileSizeCommitLog", Integer.toString(8 << 20))
                .build();
        try (Broker broker = Broker.start(config)) {
            String url = "keel://127.0.0.1:" + broker.listenAddress().getPort();
            List<String> expected = new ArrayList<>();
            for (int i = 1; i <= 25; i++) {
                expected.add("hello " + i);
            }
            assertEquals(expected, QuickStart.run(url, 25));
        }
    }
}
