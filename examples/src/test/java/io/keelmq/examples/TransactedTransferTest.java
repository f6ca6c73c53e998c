package io.keelmq.examples;

import io.keelmq.server.Broker;
import io.keelmq.server.config.BrokerConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

class TransactedTransferTest {

    @Test
    void everyOrderGetsExactlyOneInvoiceAndOneShipmentDespiteARollback(@TempDir Path dir) throws Exception {
        BrokerConfig config = BrokerConfig.builder()
                .set("listenPort", "0")
                .set("storePathRootDir", dir.toString())
                .set("mappedFileSizeCommitLog", Integer.toString(8 << 20))
                .build();
        try (Broker broker = Broker.start(config)) {
            TransactedTransfer.Outcome outcome = TransactedTransfer.run(
                    "keel://127.0.0.1:" + broker.listenAddress().getPort(), 3);
            assertEquals(List.of("invoice for order 1", "invoice for order 2", "invoice for order 3"),
                    outcome.invoices());
            assertEquals(List.of("shipment for order 1", "shipment for order 2", "shipment for order 3"),
                    outcome.shipments());
            assertEquals(1, outcome.redeliveries(), "order 2 came back once after its rollback");
            assertEquals(0, outcome.ordersLeft());
        }
    }
}
