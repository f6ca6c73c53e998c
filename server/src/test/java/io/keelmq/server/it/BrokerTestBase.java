package io.keelmq.server.it;

import io.keelmq.protocol.message.DestinationRef;
import io.keelmq.server.Broker;
import io.keelmq.server.testing.TestBrokers;
import io.keelmq.server.testing.TestClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static io.keelmq.server.testing.TestClient.requireOk;

/** A broker on an ephemeral port in a temporary directory, and clients closed after each test. */
abstract class BrokerTestBase {
    @TempDir
    Path dir;
    Broker broker;
    final List<TestClient> clients = new ArrayList<>();

    @BeforeEach
    void startBroker() throws Exception {
        broker = TestBrokers.start(dir);
    }

    @AfterEach
    void stopBroker() {
        clients.forEach(TestClient::close);
        if (broker != null) {
            broker.close();
        }
    }

    void restartBroker() throws Exception {
        clients.forEach(TestClient::close);
        clients.clear();
        broker.close();
        broker = TestBrokers.start(dir);
    }

    TestClient client(String clientId) throws Exception {
        TestClient client = TestClient.open(broker.listenAddress(), clientId);
        clients.add(client);
        return client;
    }

    TestClient rawClient() throws Exception {
        TestClient client = TestClient.connect(broker.listenAddress());
        clients.add(client);
        return client;
    }

    /** A client with session 1 and consumer {@code consumerId} on the destination. */
    TestClient consumer(String clientId, long consumerId, DestinationRef destination, Map<String, String> extra)
            throws Exception {
        TestClient client = client(clientId);
        client.createSession(1, "CLIENT");
        requireOk(client.createConsumer(1, consumerId, destination.kind(), destination.name(), extra));
        return client;
    }
}
