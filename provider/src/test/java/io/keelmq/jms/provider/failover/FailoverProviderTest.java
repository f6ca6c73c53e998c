package io.keelmq.jms.provider.failover;

import io.keelmq.jms.provider.AckMode;
import io.keelmq.jms.provider.ConnectRequest;
import io.keelmq.jms.provider.ConnectionFailedException;
import io.keelmq.jms.provider.ConsumerInfo;
import io.keelmq.jms.provider.Delivery;
import io.keelmq.jms.provider.DeliveryCallback;
import io.keelmq.jms.provider.Provider;
import io.keelmq.jms.provider.ProviderListener;
import io.keelmq.jms.provider.PullCredit;
import io.keelmq.jms.provider.PullRequest;
import io.keelmq.jms.provider.SendRequest;
import io.keelmq.jms.provider.SendResult;
import io.keelmq.jms.provider.Undelivered;
import io.keelmq.jms.transport.HostAndPort;
import io.keelmq.protocol.message.DestinationRef;
import jakarta.jms.JMSException;
import jakarta.jms.TransactionRolledBackException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The failover decorator alone, over scripted brokers (no network): what it re-creates, resends and reports. */
class FailoverProviderTest {
    private static final DestinationRef QUEUE = DestinationRef.queue("orders");
    private static final DestinationRef TOPIC = DestinationRef.topic("prices");

    private final Map<HostAndPort, ScriptedBroker> brokers = new ConcurrentHashMap<>();
    private final List<JMSException> heard = new CopyOnWriteArrayList<>();
    private FailoverProvider provider;

    @AfterEach
    void close() {
        if (provider != null) {
            provider.close();
        }
    }

    private ScriptedBroker broker(int port) {
        ScriptedBroker broker = new ScriptedBroker(port);
        brokers.put(broker.address, broker);
        return broker;
    }

    private FailoverProvider connect(FailoverOptions options, ScriptedBroker... inUrl) throws JMSException {
        List<HostAndPort> addresses = new ArrayList<>();
        for (ScriptedBroker b : inUrl) {
            addresses.add(b.address);
        }
        provider = new FailoverProvider(addresses, address -> brokers.get(address).newConnection(), options, 2_000);
        provider.connect(new ConnectRequest("client-1", null, null, 0), new ProviderListener() {
            @Override
            public void onConnectionFailure(JMSException cause) {
                heard.add(cause);
            }
        });
        return provider;
    }

    private static FailoverOptions reconnectFor(long millis) {
        return new FailoverOptions(millis, false);
    }

    private static SendRequest send(long sessionId, String body) {
        return new SendRequest(sessionId, 1, body.getBytes(), false, false, 2_000);
    }

    @Test
    void aLostBrokerIsReplacedAndEverythingIsCreatedAgainBeforeTheSendInFlightGoesAgainWithTheSameBytes()
            throws Exception {
        ScriptedBroker a = broker(1001);
        ScriptedBroker b = broker(1002);
        connect(reconnectFor(10_000), a, b);
        provider.setClientId("app");
        provider.createSession(1, AckMode.AUTO);
        provider.createSession(2, AckMode.CLIENT);
        ConsumerInfo durable = new ConsumerInfo(2, 7, TOPIC, null, false, "audit", true, false,
                "CONSUME_FROM_LAST_OFFSET", 0);
        provider.createConsumer(durable);
        provider.createConsumer(new ConsumerInfo(1, 8, QUEUE, null, false, null, false, false, null, 0));
        provider.closeConsumer(8, List.of());
        assertEquals(a.address, provider.currentBroker());

        a.crashOnNextSend = true;
        SendRequest request = send(1, "order-1");
        SendResult result = provider.send(request);

        assertEquals("SEND_OK", result.status());
        assertEquals(b.address, provider.currentBroker());
        assertEquals(List.of("HANDSHAKE client-1", "SET_CLIENT_ID app", "CREATE_SESSION 1 AUTO",
                "CREATE_SESSION 2 CLIENT", "CREATE_CONSUMER 7 audit", "SEND retry=true"), b.requests,
                "the closed consumer is not created again; the durable subscription is re-attached by name");
        assertArrayEquals(request.encodedMessage(), b.sends.get(0).encodedMessage(), "the same bytes, the same id");
        assertFalse(a.sends.get(0).retry(), "the first attempt, whose outcome the crash left unknown");
        assertEquals(List.of(), heard, "the application hears nothing of a failover that succeeded");
        assertFalse(provider.isClosed());
    }

    @Test
    void aSlaveFirstInTheUrlSendsTheConnectionToTheMasterItNames() throws Exception {
        ScriptedBroker slave = broker(2001);
        ScriptedBroker master = broker(2002);
        ScriptedBroker unrelated = broker(2003);
        slave.slaveOf = master.address;
        connect(reconnectFor(10_000), slave, unrelated, master);
        provider.createSession(1, AckMode.AUTO);

        provider.createConsumer(new ConsumerInfo(1, 3, QUEUE, null, false, null, false, false, null, 0));

        assertEquals(master.address, provider.currentBroker());
        assertEquals(List.of("HANDSHAKE client-1", "CREATE_SESSION 1 AUTO", "CREATE_CONSUMER 3 null"),
                master.requests);
        assertEquals(List.of(), unrelated.requests, "the named master is tried before the rest of the list");
        assertTrue(slave.connections.get(0).isClosed(), "the connection to the slave is closed");
    }

    /**
     * The URL names the master alone; its HANDSHAKE answer lists its group. It dies; the slave left still names it
     * for a while (the group is electing), then is master. The send in flight goes on there: past more failovers than
     * the old cap of 10 (the time bound is reconnectTimeout), and without going round the slave as fast as it answers.
     */
    @Test
    void aUrlOfTheMasterAloneFailsOverToABrokerItsGroupListedAndWaitsOutTheElection() throws Exception {
        ScriptedBroker master = broker(5001);
        ScriptedBroker slave = broker(5002);
        master.groupBrokers = List.of("127.0.0.1:5001", "127.0.0.1:5002", "not an address");
        slave.groupBrokers = List.of("127.0.0.1:5001", "127.0.0.1:5002");
        slave.slaveOf = master.address;
        connect(reconnectFor(20_000), master);
        provider.createSession(1, AckMode.AUTO);

        master.crashOnNextSend = true;
        java.util.concurrent.ScheduledExecutorService elector = java.util.concurrent.Executors
                .newSingleThreadScheduledExecutor();
        try {
            elector.schedule(() -> {
                slave.slaveOf = null;       // elected: it takes sends from now on
            }, 8_000, TimeUnit.MILLISECONDS);
            SendResult result = provider.send(send(1, "order-1"));
            assertEquals("SEND_OK", result.status());
        } finally {
            elector.shutdownNow();
        }
        assertEquals(slave.address, provider.currentBroker());
        long refusals = slave.requests.stream().filter(r -> r.startsWith("SEND")).count() - 1;
        assertTrue(refusals > FailoverProvider.MAX_FAILOVERS_PER_REQUEST, "the send outlived the count of "
                + FailoverProvider.MAX_FAILOVERS_PER_REQUEST + " failovers: " + refusals + " refusals");
        // 8 s of refusals with a back-off of 50 ms doubling to 1 s: about 14 connections; a loop without one would
        // make thousands.
        assertTrue(slave.connections.size() < 100, slave.connections.size() + " connections to the slave");
        assertEquals(List.of(), heard);
    }

    @Test
    void whenNoBrokerCanBeReachedWithinReconnectTimeoutTheListenerHearsOnceAndRequestsFail() throws Exception {
        ScriptedBroker a = broker(3001);
        ScriptedBroker b = broker(3002);
        b.up = false;
        connect(reconnectFor(300), a, b);
        provider.createSession(1, AckMode.AUTO);
        List<JMSException> pullFailures = new CopyOnWriteArrayList<>();
        provider.createConsumer(new ConsumerInfo(1, 3, QUEUE, null, false, null, false, false, null, 0));
        provider.pull(new PullRequest(3, 10, 1_000, 1_000), failuresTo(pullFailures));

        a.crash();

        long deadline = System.currentTimeMillis() + 30_000;
        while (heard.isEmpty() && System.currentTimeMillis() < deadline) {
            Thread.sleep(10);
        }
        assertEquals(1, heard.size());
        assertTrue(heard.get(0).getMessage().contains("within reconnectTimeout 300 ms"), heard.get(0).getMessage());
        assertTrue(provider.isClosed());
        assertThrows(ConnectionFailedException.class, () -> provider.send(send(1, "late")));
        assertEquals(1, pullFailures.size(), "the held pull waited for a new connection, then failed");
    }

    @Test
    void aPullHeldWhenTheConnectionIsLostGoesToTheNextConnectionAndAClosedConsumersIsAnsweredEmpty()
            throws Exception {
        ScriptedBroker a = broker(4001);
        ScriptedBroker b = broker(4002);
        connect(reconnectFor(10_000), a, b);
        provider.createSession(1, AckMode.AUTO);
        provider.createConsumer(new ConsumerInfo(1, 3, QUEUE, null, false, null, false, false, null, 0));
        List<JMSException> failures = new CopyOnWriteArrayList<>();
        provider.pull(new PullRequest(3, 10, 1_000, 1_000), failuresTo(failures));

        a.crash();
        awaitRequest(b, "PULL 3");
        assertEquals(List.of(), failures);

        // A consumer closed while the connection is down has nothing to pull anywhere.
        b.crash();
        provider.closeConsumer(3, List.of());
        List<String> answered = new CopyOnWriteArrayList<>();
        provider.pull(new PullRequest(3, 10, 1_000, 1_000), answersTo(answered));
        b.up = true;
        awaitRequest(b, "CREATE_SESSION 1 AUTO");
        long deadline = System.currentTimeMillis() + 10_000;
        while (answered.isEmpty() && System.currentTimeMillis() < deadline) {
            Thread.sleep(10);
        }
        assertEquals(List.of("empty=true"), answered);
    }

    @Test
    void aStandingPullCutByAFailoverEndsEmptyInsteadOfGoingToTheNextConnectionAndCreditGoesToTheCurrentOne()
            throws Exception {
        ScriptedBroker a = broker(4201);
        ScriptedBroker b = broker(4202);
        connect(reconnectFor(10_000), a, b);
        provider.createSession(1, AckMode.AUTO);
        provider.createConsumer(new ConsumerInfo(1, 3, QUEUE, null, false, null, false, false, null, 0));
        List<String> answered = new CopyOnWriteArrayList<>();
        provider.pull(new PullRequest(3, 10, 1_000, 1_000, 7), answersTo(answered));
        provider.credit(new PullCredit(3, 7, 20, 2_000));
        assertTrue(a.requests.contains("CREDIT 3 7 20 2000"), a.requests.toString());

        a.crash();
        awaitRequest(b, "CREATE_SESSION 1 AUTO");
        long deadline = System.currentTimeMillis() + 10_000;
        while (answered.isEmpty() && System.currentTimeMillis() < deadline) {
            Thread.sleep(10);
        }
        // Its window was counted by the lost broker: the consumer starts a new standing pull rather than resume it.
        assertEquals(List.of("empty=true"), answered);
        assertFalse(b.requests.contains("PULL 3"), b.requests.toString());
        provider.credit(new PullCredit(3, 8, 10, 1_000));
        assertTrue(b.requests.contains("CREDIT 3 8 10 1000"), b.requests.toString());
    }

    @Test
    void aClosingConsumerEndingItsHeldPullDoesNotWaitForTheNextConnection() throws Exception {
        ScriptedBroker a = broker(4101);
        ScriptedBroker b = broker(4102);
        b.up = false;
        connect(reconnectFor(10_000), a, b);
        provider.createSession(1, AckMode.AUTO);
        provider.createConsumer(new ConsumerInfo(1, 3, QUEUE, null, false, null, false, false, null, 0));
        a.crash();
        List<String> answered = new CopyOnWriteArrayList<>();
        provider.pull(PullRequest.endHeld(3), answersTo(answered));
        assertEquals(List.of("empty=true"), answered, "answered at once, while no broker is reachable");
        provider.closeConsumer(3, List.of());
        provider.closeSession(1, List.of());
        assertFalse(provider.isClosed(), "still reconnecting");
    }

    @Test
    void aTransactionCutByAFailoverRollsBackAtCommitAndTheNextOneCommits() throws Exception {
        ScriptedBroker a = broker(5001);
        ScriptedBroker b = broker(5002);
        connect(reconnectFor(10_000), a, b);
        provider.createSession(1, AckMode.TRANSACTED);
        provider.send(send(1, "in the cut transaction"));

        a.crash();

        assertThrows(TransactionRolledBackException.class, () -> provider.commit(1, List.of()));
        provider.rollback(1, List.of(), () -> { });
        provider.send(send(1, "after"));
        provider.commit(1, List.of());
        assertTrue(b.requests.contains("COMMIT 1"), String.valueOf(b.requests));
        assertEquals(1, b.requests.stream().filter(r -> r.equals("COMMIT 1")).count());
    }

    @Test
    void aTransactionThatOnlyConsumedBeforeTheFailoverRollsBackToo() throws Exception {
        ScriptedBroker a = broker(5101);
        ScriptedBroker b = broker(5102);
        connect(reconnectFor(10_000), a, b);
        provider.createSession(1, AckMode.TRANSACTED);
        a.crash();
        provider.createSession(2, AckMode.AUTO);    // waits for the failover
        assertEquals(b.address, provider.currentBroker());
        assertThrows(TransactionRolledBackException.class,
                () -> provider.commit(1, List.of(new Undelivered(3, 0, 17))));
    }

    @Test
    void retryAnotherBrokerWhenNotStoreOkMovesTheConnectionAndResendsTheSameBytesOnce() throws Exception {
        ScriptedBroker a = broker(6001);
        ScriptedBroker b = broker(6002);
        a.sendStatus = "SLAVE_NOT_AVAILABLE";
        connect(new FailoverOptions(10_000, true), a, b);
        provider.createSession(1, AckMode.AUTO);
        SendRequest request = send(1, "order-2");

        SendResult result = provider.send(request);

        assertEquals("SEND_OK", result.status());
        assertEquals(b.address, provider.currentBroker());
        assertEquals(List.of("HANDSHAKE client-1", "CREATE_SESSION 1 AUTO", "SEND retry=true"), b.requests);
        assertArrayEquals(request.encodedMessage(), b.sends.get(0).encodedMessage());
        assertTrue(a.connections.get(0).isClosed());

        // Once per send: the next send answered FLUSH_SLAVE_TIMEOUT moves back to the first broker, whose own
        // status other than SEND_OK is then the answer.
        b.sendStatus = "FLUSH_SLAVE_TIMEOUT";
        assertEquals("SLAVE_NOT_AVAILABLE", provider.send(send(1, "order-3")).status());
        assertEquals(a.address, provider.currentBroker());
    }

    @Test
    void withoutTheOptionAStatusOtherThanSendOkIsTheAnswerAndTheConnectionStays() throws Exception {
        ScriptedBroker a = broker(7001);
        ScriptedBroker b = broker(7002);
        a.sendStatus = "SLAVE_NOT_AVAILABLE";
        connect(reconnectFor(10_000), a, b);
        provider.createSession(1, AckMode.AUTO);
        assertEquals("SLAVE_NOT_AVAILABLE", provider.send(send(1, "order")).status());
        assertEquals(a.address, provider.currentBroker());
        assertEquals(List.of(), b.requests);
    }

    @Test
    void anAsynchronousSendInFlightAndAnAcknowledgementGoAgainOnTheNextConnection() throws Exception {
        ScriptedBroker a = broker(8001);
        ScriptedBroker b = broker(8002);
        connect(reconnectFor(10_000), a, b);
        provider.createSession(1, AckMode.CLIENT);
        provider.createConsumer(new ConsumerInfo(1, 3, QUEUE, null, false, null, false, false, null, 0));
        a.crash();
        CompletableFuture<SendResult> sent = new CompletableFuture<>();
        provider.send(send(1, "async"), new io.keelmq.jms.provider.SendCallback() {
            @Override
            public void onSuccess(SendResult r) {
                sent.complete(r);
            }

            @Override
            public void onFailure(JMSException failure) {
                sent.completeExceptionally(failure);
            }
        });
        assertEquals("SEND_OK", sent.get(10, TimeUnit.SECONDS).status());
        CompletableFuture<Void> acked = provider.acknowledgeAsync(3, List.of(), true);
        provider.await(acked);
        assertTrue(b.requests.contains("ACK 3"), String.valueOf(b.requests));
        assertSame(b.address, provider.currentBroker());
    }

    @Test
    void closingEndsTheProviderWithoutTellingTheListener() throws Exception {
        ScriptedBroker a = broker(9001);
        Provider p = connect(reconnectFor(10_000), a, broker(9002));
        p.close();
        assertTrue(p.isClosed());
        assertTrue(a.connections.get(0).isClosed());
        assertThrows(ConnectionFailedException.class, () -> p.createSession(1, AckMode.AUTO));
        assertEquals(List.of(), heard);
    }

    /** Records each answer as "partial", "empty=true|false" (the last) or "failed". */
    private static DeliveryCallback answersTo(List<String> answered) {
        return new DeliveryCallback() {
            @Override
            public void onPartial(List<Delivery> deliveries) {
                answered.add("partial");
            }

            @Override
            public void onDeliveries(List<Delivery> deliveries) {
                answered.add("empty=" + deliveries.isEmpty());
            }

            @Override
            public void onFailure(JMSException failure) {
                answered.add("failed");
            }
        };
    }

    private static DeliveryCallback failuresTo(List<JMSException> failures) {
        return new DeliveryCallback() {
            @Override
            public void onPartial(List<Delivery> deliveries) {
            }

            @Override
            public void onDeliveries(List<Delivery> deliveries) {
            }

            @Override
            public void onFailure(JMSException failure) {
                failures.add(failure);
            }
        };
    }

    private static void awaitRequest(ScriptedBroker broker, String request) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 10_000;
        while (!broker.requests.contains(request) && System.currentTimeMillis() < deadline) {
            Thread.sleep(10);
        }
        assertTrue(broker.requests.contains(request), request + " in " + broker.requests);
    }
}
