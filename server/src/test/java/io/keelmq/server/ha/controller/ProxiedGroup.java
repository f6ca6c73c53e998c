package io.keelmq.server.ha.controller;

import io.keelmq.server.ha.HaTestSupport;
import io.keelmq.server.testing.BrokerProcess;
import io.keelmq.server.testing.ControllerProcess;
import io.keelmq.server.testing.FaultProxy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Three brokers a, b, c of group {@link ControllerFailoverTest#GROUP} in controller mode, child JVMs on 127.0.0.1,
 * each with its HA port behind a {@link FaultProxy} (the address it advertises to the controller, so its slaves
 * connect through it): a test cuts one master off from its slaves without touching its clients or the controller.
 * The controller runs embedded in the three brokers (three Ratis peers), or as three keel-controller processes
 * when the test kills more brokers than a Raft quorum can spare. A broker is killed and restarted on the same data
 * directory, HA port and controller peer, as an operator would restart it.
 */
final class ProxiedGroup implements AutoCloseable {
    static final List<String> IDS = List.of("a", "b", "c");

    private final Path dir;
    private final List<String> peers;
    private final String role;
    private final boolean embedded;
    private final String[] extra;
    private final Map<String, FaultProxy> haProxies = new LinkedHashMap<>();
    private final Map<String, Integer> haPorts = new LinkedHashMap<>();
    private final Map<String, BrokerProcess> brokers = new ConcurrentHashMap<>();
    private final List<ControllerProcess> controllers = new CopyOnWriteArrayList<>();
    private final ControllerClient controller;

    private ProxiedGroup(Path dir, List<String> peers, String role, boolean embedded, String[] extra) {
        this.dir = dir;
        this.peers = peers;
        this.role = role;
        this.embedded = embedded;
        this.extra = extra;
        this.controller = new ControllerClient("DefaultCluster", peers, ControllerFailoverTest.CALL_MILLIS);
    }

    /**
     * Starts the controllers (unless embedded) and the three brokers with {@code brokerRole=role} and {@code extra}
     * options. Whatever started is stopped again if a start fails.
     */
    static ProxiedGroup start(Path dir, String role, boolean embedded, String... extra) throws Exception {
        ProxiedGroup group = new ProxiedGroup(dir, ControllerRaftTest.freeAddresses(3), role, embedded, extra);
        try {
            List<String> haPorts = ControllerRaftTest.freeAddresses(3);
            for (int i = 0; i < 3; i++) {
                String id = IDS.get(i);
                group.haPorts.put(id, HaTestSupport.toAddress(haPorts.get(i)).getPort());
                group.haProxies.put(id, new FaultProxy(HaTestSupport.toAddress(haPorts.get(i))));
            }
            // The JVMs start side by side (threads of their own: the common pool may have one on two cores): one
            // after the other costs each case seconds it has no use for.
            ExecutorService starter = Executors.newFixedThreadPool(3);
            try {
                if (!embedded) {
                    List<CompletableFuture<?>> controllers = new ArrayList<>();
                    for (int i = 0; i < 3; i++) {
                        String selfId = "n" + i;
                        controllers.add(CompletableFuture.runAsync(() -> group.controllers.add(started(() ->
                                ControllerProcess.start(dir.resolve("controllers"), String.join(";", group.peers),
                                        selfId, "--scanNotActiveBrokerInterval=300"))), starter));
                    }
                    CompletableFuture.allOf(controllers.toArray(CompletableFuture[]::new)).get(120, TimeUnit.SECONDS);
                }
                List<CompletableFuture<?>> brokers = new ArrayList<>();
                for (String id : IDS) {
                    brokers.add(CompletableFuture.runAsync(() -> group.brokers.put(id, started(() -> group.launch(id))),
                            starter));
                }
                CompletableFuture.allOf(brokers.toArray(CompletableFuture[]::new)).get(120, TimeUnit.SECONDS);
            } finally {
                starter.shutdown();
            }
            return group;
        } catch (Throwable failure) {
            group.close();
            throw failure;
        }
    }

    private interface Start<T> {
        T start() throws Exception;
    }

    private static <T> T started(Start<T> start) {
        try {
            return start.start();
        } catch (Exception e) {
            throw new CompletionException(e);
        }
    }

    private BrokerProcess launch(String id) throws Exception {
        List<String> args = new ArrayList<>(ControllerFailoverTest.brokerArgs(id, String.join(";", peers),
                "--brokerRole=" + role, "--haListenPort=" + haPorts.get(id),
                "--haAdvertisedAddress=" + haProxies.get(id).address()));
        if (embedded) {
            args.addAll(List.of("--enableControllerInBroker=true", "--controllerSelfId=n" + IDS.indexOf(id)));
        }
        args.addAll(List.of(extra));
        return BrokerProcess.start(dir.resolve(id), id, args.toArray(String[]::new));
    }

    ControllerClient controller() {
        return controller;
    }

    /** The client URL of broker {@code id} as it runs now. */
    String url(String id) {
        return brokers.get(id).url();
    }

    /** The proxy in front of broker {@code id}'s HA port. */
    FaultProxy haProxy(String id) {
        return haProxies.get(id);
    }

    /** Broker {@code id}'s data directory (storePathRootDir). */
    Path data(String id) {
        return dir.resolve(id).resolve("data");
    }

    /** SIGKILL of broker {@code id}. */
    void kill(String id) throws InterruptedException {
        brokers.get(id).kill();
    }

    /** Starts broker {@code id} again, on its data directory, HA port and controller peer. */
    void restart(String id) throws Exception {
        brokers.put(id, launch(id));
    }

    /** SIGTERM of every broker at once (a clean stop: logs forced), then waits for each, 30 s at most. */
    void stopAll() throws InterruptedException {
        for (BrokerProcess broker : brokers.values()) {
            broker.process().destroy();
        }
        for (BrokerProcess broker : brokers.values()) {
            if (!broker.process().waitFor(30, TimeUnit.SECONDS)) {
                throw new IllegalStateException("a broker ignored SIGTERM for 30 s: " + broker.url());
            }
        }
    }

    /** Whether broker {@code id}'s commit log files hold {@code text} (read while it runs: the page cache). */
    boolean logContains(String id, String text) throws IOException {
        try (Stream<Path> segments = Files.list(data(id).resolve("commitlog"))) {
            for (Path segment : segments.toList()) {
                if (new String(Files.readAllBytes(segment), StandardCharsets.ISO_8859_1).contains(text)) {
                    return true;
                }
            }
        }
        return false;
    }

    /** The files of broker {@code id}'s quarantine/, by name (offset first), concatenated; empty when none. */
    byte[] quarantined(String id) throws IOException {
        Path quarantine = data(id).resolve("quarantine");
        if (!Files.isDirectory(quarantine)) {
            return new byte[0];
        }
        java.io.ByteArrayOutputStream all = new java.io.ByteArrayOutputStream();
        try (Stream<Path> files = Files.list(quarantine)) {
            for (Path file : files.sorted().toList()) {
                all.write(Files.readAllBytes(file));
            }
        }
        return all.toByteArray();
    }

    /** After a failure: the brokers' (and separate controllers') logs about roles and the controller. */
    void printLogs() {
        ControllerFailoverTest.printLogs(brokers);
        printControllerLogs(dir.resolve("controllers"), controllers.stream().map(ControllerProcess::selfId).toList());
    }

    /** What keel-controller processes (logs in {@code controllersDir}, by selfId) say about leaders and errors. */
    static void printControllerLogs(Path controllersDir, Collection<String> selfIds) {
        for (String id : selfIds) {
            try {
                Files.readString(controllersDir.resolve(id + ".log")).lines()
                        .filter(line -> line.contains("keelmq") || line.contains("change Leader")
                                || line.contains("ERROR"))
                        .limit(100)
                        .forEach(line -> System.out.println(id + ": " + line));
            } catch (IOException e) {
                System.out.println(id + ": no log: " + e);
            }
        }
    }

    @Override
    public void close() {
        for (BrokerProcess broker : brokers.values()) {
            broker.process().destroyForcibly();
        }
        for (ControllerProcess process : controllers) {
            process.process().destroyForcibly();
        }
        for (FaultProxy proxy : haProxies.values()) {
            proxy.close();
        }
        try {
            controller.close();
        } catch (IOException e) {
            // the controllers are gone
        }
    }
}
