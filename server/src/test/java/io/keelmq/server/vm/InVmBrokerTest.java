package io.keelmq.server.vm;

import io.keelmq.protocol.frame.Frame;
import io.keelmq.protocol.frame.RequestCode;
import io.keelmq.protocol.message.DestinationRef;
import io.keelmq.protocol.message.WireMessageCodec;
import io.keelmq.protocol.vm.FrameSink;
import io.keelmq.protocol.vm.InVmBroker;
import io.keelmq.protocol.vm.InVmBrokerFactory;
import io.keelmq.server.Broker;
import io.keelmq.server.testing.Delivered;
import io.keelmq.server.testing.TestClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

class InVmBrokerTest {

    /** A client side of an in-VM connection that waits for answers. */
    private static final class VmClient implements FrameSink {
        final BlockingQueue<Frame> received = new LinkedBlockingQueue<>();
        final AtomicLong ids = new AtomicLong();
        volatile boolean closed;
        FrameSink toBroker;

        @Override
        public void accept(Frame frame) {
            received.add(frame);
        }

        @Override
        public void closed() {
            closed = true;
        }

        Frame request(RequestCode code, Map<String, String> headers, byte[] body) throws InterruptedException {
            long id = ids.incrementAndGet();
            toBroker.accept(Frame.request(code, id, headers, body));
            Frame answer = received.poll(30, TimeUnit.SECONDS);
            assertNotNull(answer, code + " answered");
            assertEquals(id, answer.correlationId());
            return TestClient.requireOk(answer);
        }
    }

    @Test
    void serviceLoaderFindsTheFactoryAndFramesFlowWithoutSockets(@TempDir Path dir) throws Exception {
        InVmBrokerFactory factory = ServiceLoader.load(InVmBrokerFactory.class).findFirst().orElseThrow();
        InVmBroker vm = factory.startOrJoin("vm-test", Map.of("storePathRootDir", dir.toString(),
                "mappedFileSizeCommitLog", "4194304", "maxMessageSize", "1048576", "maxHashSlotNum", "10000",
                "maxIndexNum", "40000"));
        Broker broker = KeelInVmBrokerFactory.find("vm-test");
        assertNull(broker.listenAddress(), "no TCP port unless listenPort is given");
        assertSame(broker, KeelInVmBrokerFactory.find("vm-test"));
        factory.startOrJoin("vm-test", Map.of());
        assertSame(broker, KeelInVmBrokerFactory.find("vm-test"), "joined, not started twice");
        try {
            VmClient client = new VmClient();
            client.toBroker = vm.connect(client);
            client.request(RequestCode.HANDSHAKE, Map.of("protocolVersions", "1"), null);
            client.request(RequestCode.CREATE_SESSION, Map.of("sessionId", "1", "ackMode", "AUTO"), null);
            client.request(RequestCode.CREATE_CONSUMER, Map.of("sessionId", "1", "consumerId", "1",
                    "destinationKind", "QUEUE", "destination", "vmq"), null);
            Frame sent = client.request(RequestCode.SEND, Map.of("sessionId", "1", "producerId", "1"),
                    WireMessageCodec.encode(TestClient.text(DestinationRef.queue("vmq"), "in-vm")));
            assertEquals("SEND_OK", sent.header("status"));
            Frame pulled = client.request(RequestCode.PULL, Map.of("consumerId", "1", "maxMessages", "5",
                    "maxBytes", "100000", "holdMillis", "5000"), null);
            List<Delivered> got = TestClient.deliveries(pulled.body(), false).deliveries;
            assertEquals(1, got.size());
            assertEquals("in-vm", got.get(0).text());
            client.request(RequestCode.CLOSE, Map.of(), null);
            long deadline = System.currentTimeMillis() + 10_000;
            while (!client.closed && System.currentTimeMillis() < deadline) {
                Thread.sleep(10);
            }
            assertTrue(client.closed);
        } finally {
            broker.close();
        }
        assertFalse(broker.isRunning());
        assertTrue(Files.exists(dir.resolve("config").resolve("destinations")));
    }
}
