package io.keelmq.jms.fake;

import io.keelmq.protocol.frame.ErrorCode;
import io.keelmq.protocol.frame.Frame;
import io.keelmq.protocol.frame.RequestCode;
import io.keelmq.protocol.vm.FrameSink;
import io.keelmq.protocol.vm.InVmBroker;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A small in-memory broker that follows the client/broker contract (protocol/README.md, "Requests") for every
 * request the client uses, reached through {@code vm://name}. It is strict: anything the contract does not allow
 * (a missing header, a list naming a message that is not in flight, an oneway persistent send...) is recorded as a
 * violation, which every test checks is empty. Tests steer it through hooks (send statuses, injected errors, lost
 * answers, silence, connection loss) and inspect the frames it received.
 */
public final class FakeBroker implements InVmBroker {
    private static final Map<String, FakeBroker> REGISTRY = new ConcurrentHashMap<>();
    private static final AtomicInteger NAMES = new AtomicInteger();

    final String name;
    final FakeStore store = new FakeStore(2);
    final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "fake-broker-timer");
        t.setDaemon(true);
        return t;
    });
    final List<FakeConnection> connections = new ArrayList<>();
    final Map<String, FakeConnection> clientIds = new ConcurrentHashMap<>();
    private final List<Object[]> frames = new ArrayList<>();
    private final List<String> violations = new ArrayList<>();
    private final Deque<String> sendStatuses = new ArrayDeque<>();
    private final Map<RequestCode, Deque<Object[]>> failures = new EnumMap<>(RequestCode.class);
    private final Map<RequestCode, Integer> droppedAnswers = new EnumMap<>(RequestCode.class);
    private volatile boolean silent;
    long heartbeatInterval = -1;
    long maxHoldMillis = 30_000;
    int maxMessageSize = 4 * 1024 * 1024;
    String requiredPassword;
    /** The HANDSHAKE answer's resourceManagerId (XAResource.isSameRM), or null for none. */
    String resourceManagerId;
    Map<String, String> startOptions;
    private int nextConnection;

    private FakeBroker(String name) {
        this.name = name;
    }

    /** A new broker under a fresh name; connect with {@link #url()}. */
    public static FakeBroker start() {
        FakeBroker broker = new FakeBroker("fake" + NAMES.incrementAndGet());
        REGISTRY.put(broker.name, broker);
        return broker;
    }

    static FakeBroker named(String name) {
        return REGISTRY.computeIfAbsent(name, FakeBroker::new);
    }

    public String url() {
        return "vm://" + name;
    }

    public String url(String query) {
        return url() + "?" + query;
    }

    @Override
    public synchronized FrameSink connect(FrameSink toClient) {
        FakeConnection connection = new FakeConnection(this, toClient, "fake-conn-" + (++nextConnection));
        connections.add(connection);
        return connection;
    }

    public void close() {
        REGISTRY.remove(name);
        timer.shutdownNow();
    }

    // ---------------------------------------------------------------- hooks

    /** Statuses for the next persistent sends, in order; SEND_OK once they are used up. */
    public synchronized void sendStatuses(String... statuses) {
        sendStatuses.addAll(List.of(statuses));
    }

    synchronized String nextSendStatus() {
        String status = sendStatuses.pollFirst();
        return status == null ? "SEND_OK" : status;
    }

    /** The next request with this code is answered with an error (and not carried out). */
    public synchronized void failNext(RequestCode code, ErrorCode error, String message) {
        failures.computeIfAbsent(code, c -> new ArrayDeque<>()).add(new Object[] {error, message});
    }

    synchronized Object[] takeFailure(RequestCode code) {
        Deque<Object[]> queue = failures.get(code);
        return queue == null ? null : queue.pollFirst();
    }

    /** The next {@code times} requests with this code are carried out but never answered (a lost answer). */
    public synchronized void dropAnswers(RequestCode code, int times) {
        droppedAnswers.merge(code, times, Integer::sum);
    }

    synchronized boolean takeDroppedAnswer(RequestCode code) {
        Integer left = droppedAnswers.get(code);
        if (left == null || left == 0) {
            return false;
        }
        droppedAnswers.put(code, left - 1);
        return true;
    }

    /** The resource-manager id the HANDSHAKE answer carries from now on (XAResource.isSameRM). */
    public synchronized void resourceManagerId(String id) {
        resourceManagerId = id;
    }

    /** The heartbeat interval the broker agrees to, whatever the client proposes. */
    public synchronized void heartbeatInterval(long millis) {
        heartbeatInterval = millis;
    }

    public synchronized void maxMessageSize(int bytes) {
        maxMessageSize = bytes;
    }

    public synchronized void requirePassword(String password) {
        requiredPassword = password;
    }

    /** From now on the broker swallows every frame and sends nothing, like a hung peer. */
    public void goSilent() {
        silent = true;
    }

    boolean isSilent() {
        return silent;
    }

    /** Drops every connection as if the network failed. */
    public synchronized void killConnections() {
        for (FakeConnection c : new ArrayList<>(connections)) {
            c.disconnect(true);
        }
    }

    /** Sends the unsolicited connection error (CLOSE, ONEWAY|ERROR) and closes every connection. */
    public synchronized void connectionError(ErrorCode error, String message) {
        for (FakeConnection c : new ArrayList<>(connections)) {
            c.send(Frame.connectionError(error, message));
            c.disconnect(true);
        }
    }

    /** Sends a HEARTBEAT request to every client; their answers are recorded like any frame. */
    public synchronized void pingClients() {
        long id = 1_000_000;
        for (FakeConnection c : connections) {
            c.send(Frame.request(RequestCode.HEARTBEAT, id++, null, null));
        }
    }

    // ---------------------------------------------------------------- inspection

    synchronized void record(FakeConnection connection, Frame frame) {
        frames.add(new Object[] {connection, frame});
        notifyAll();
    }

    /** Requests (not answers) received with this code, in arrival order. */
    public synchronized List<Frame> requests(RequestCode code) {
        List<Frame> result = new ArrayList<>();
        for (Object[] f : frames) {
            Frame frame = (Frame) f[1];
            if (!frame.isResponse() && frame.code() == code.code()) {
                result.add(frame);
            }
        }
        return result;
    }

    /** Answers the clients sent to the broker's own requests (heartbeats). */
    public synchronized List<Frame> answersFromClients() {
        List<Frame> result = new ArrayList<>();
        for (Object[] f : frames) {
            if (((Frame) f[1]).isResponse()) {
                result.add((Frame) f[1]);
            }
        }
        return result;
    }

    /** Waits until at least {@code count} requests with this code arrived; returns them. */
    public synchronized List<Frame> awaitRequests(RequestCode code, int count, long timeoutMillis)
            throws InterruptedException {
        long deadline = System.currentTimeMillis() + timeoutMillis;
        while (requests(code).size() < count && System.currentTimeMillis() < deadline) {
            wait(Math.max(1, deadline - System.currentTimeMillis()));
        }
        return requests(code);
    }

    /** How many messages of a store destination ("queue/q") are in each state: available, in flight, acked. */
    public synchronized int[] states(String storeKey) {
        int[] counts = new int[3];
        FakeSubscription s = store.queues.get(storeKey);
        if (s != null) {
            for (FakeEntry e : s.entries) {
                counts[e.state.ordinal()]++;
            }
        }
        return counts;
    }

    /** The delivery count the broker recorded for each message of a queue, by message id. */
    public synchronized Map<String, Integer> deliveryCounts(String storeKey) {
        Map<String, Integer> counts = new java.util.LinkedHashMap<>();
        FakeSubscription s = store.queues.get(storeKey);
        if (s != null) {
            for (FakeEntry e : s.entries) {
                counts.put(e.message.getMessageId(), e.deliveryCount);
            }
        }
        return counts;
    }

    /** The options the client passed when it started or joined this broker through vm://. */
    public synchronized Map<String, String> startOptions() {
        return startOptions;
    }

    public synchronized int connectionCount() {
        int open = 0;
        for (FakeConnection c : connections) {
            if (!c.closed) {
                open++;
            }
        }
        return open;
    }

    public synchronized boolean hasTemporary(String storeKey) {
        return store.temporaries.containsKey(storeKey);
    }

    synchronized void violation(String what) {
        violations.add(what);
    }

    public synchronized List<String> violations() {
        return new ArrayList<>(violations);
    }

    public void assertNoViolations() {
        assertEquals(List.of(), violations(), "contract violations seen by the fake broker");
    }
}
