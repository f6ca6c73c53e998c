package io.keelmq.examples;

import io.keelmq.jms.KeelConnectionFactory;
import io.keelmq.jms.KeelSession;
import io.keelmq.jms.LocalTransactionState;
import io.keelmq.jms.TransactionSendResult;
import io.keelmq.server.Broker;
import io.keelmq.server.config.BrokerConfig;
import jakarta.jms.Connection;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class OrderServiceTest {

    private static Broker start(Path dir) throws Exception {
        return Broker.start(BrokerConfig.builder().set("listenPort", "0").set("storePathRootDir", dir.toString())
                .set("mappedFileSizeCommitLog", Integer.toString(8 << 20))
                .set("transactionCheckInterval", "100").set("transactionTimeOut", "200").build());
    }

    @Test
    void anEventIsPublishedExactlyForTheOrdersThatWereStored(@TempDir Path dir) throws Exception {
        try (Broker broker = start(dir)) {
            String url = "keel://127.0.0.1:" + broker.listenAddress().getPort();
            try (OrderService service = new OrderService(url, "jdbc:h2:mem:orders-test;DB_CLOSE_DELAY=-1")) {
                assertEquals(LocalTransactionState.COMMIT, service.placeOrder("A-1", 120).localTransactionState());
                assertEquals(LocalTransactionState.ROLLBACK, service.placeOrder("A-2", 0).localTransactionState());
                TransactionSendResult third = service.placeOrder("A-3", 35);
                assertEquals(LocalTransactionState.COMMIT, third.localTransactionState());
                assertTrue(third.decided());
                assertEquals(List.of("order A-1 placed, amount 120", "order A-3 placed, amount 35"),
                        OrderService.receiveEvents(url, 1_000));
            }
        }
    }

    @Test
    void aSecondInstanceAnswersForAnInstanceThatVanishedBeforeItsDecision(@TempDir Path dir) throws Exception {
        try (Broker broker = start(dir)) {
            String url = "keel://127.0.0.1:" + broker.listenAddress().getPort();
            String jdbcUrl = "jdbc:h2:mem:orders-handover;DB_CLOSE_DELAY=-1";
            try (OrderService second = new OrderService(url, jdbcUrl)) {
                // The first instance stores its order row and half message, then vanishes before its decision.
                try (Connection first = new KeelConnectionFactory(url).createConnection();
                     java.sql.Connection database = java.sql.DriverManager.getConnection(jdbcUrl, "sa", "")) {
                    KeelSession session = (KeelSession) first.createSession(false, Session.AUTO_ACKNOWLEDGE);
                    TextMessage event = session.createTextMessage("order B-1 placed, amount 70");
                    event.setStringProperty("orderId", "B-1");
                    session.createTransactionalProducer(session.createQueue(OrderService.EVENTS), OrderService.GROUP,
                            message -> LocalTransactionState.UNKNOWN).send(event, message -> {
                                database.createStatement().execute("INSERT INTO orders VALUES ('B-1', 70)");
                                return LocalTransactionState.UNKNOWN;   // the decision never leaves
                            });
                }
                assertEquals(List.of("order B-1 placed, amount 70"), OrderService.receiveEvents(url, 2_000));
            }
        }
    }
}
