package io.keelmq.server.ha.controller;

import io.keelmq.server.admin.AdminMain;
import io.keelmq.server.testing.BrokerProcess;
import io.keelmq.server.testing.ControllerProcess;
import org.apache.ratis.client.RaftClient;
import org.apache.ratis.conf.RaftProperties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static io.keelmq.server.ha.controller.ControllerFailoverTest.CALL_MILLIS;
import static io.keelmq.server.ha.controller.ControllerSnapshotRaftTest.awaitTrue;
import static io.keelmq.server.ha.controller.ControllerSnapshotRaftTest.buildState;
import static io.keelmq.server.ha.controller.ControllerSnapshotRaftTest.firstSegmentStart;
import static io.keelmq.server.ha.controller.ControllerSnapshotRaftTest.newestSnapshotIndex;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Raft snapshots with three separate {@code keel-controller} processes (child JVMs on 127.0.0.1) and a broker in
 * controller mode: with {@code controllerSnapshotThreshold=20} every peer snapshots and purges its log; a follower
 * SIGKILLed while the two others go on past further snapshots, purging what it lacks, catches up when restarted by
 * installing the leader's snapshot; made leader, it answers {@code keel-admin ha status} (a child JVM, through the
 * broker) with the same group state the survivors showed.
 */
class ControllerSnapshotProcessesTest {
    private static final int THRESHOLD = 10;
    private static final Pattern LOADED = Pattern.compile("loaded snapshot .* up to index ([0-9]+)\\)");

    @TempDir
    Path dir;

    private final Map<String, ControllerProcess> controllers = new java.util.concurrent.ConcurrentHashMap<>();

    private ControllerProcess startController(String peers, String id) throws Exception {
        ControllerProcess controller = ControllerProcess.start(dir.resolve("controllers"), peers, id,
                "--controllerSnapshotThreshold=" + THRESHOLD, "--controllerLogSegmentSize=1024",
                "--scanNotActiveBrokerInterval=300");
        controllers.put(id, controller);
        return controller;
    }

    private ControllerProcess startQuietly(String peers, String id) {
        try {
            return startController(peers, id);
        } catch (Exception e) {
            throw new CompletionException(e);
        }
    }

    private static void phase(String what, long began) {
        System.out.printf("controller snapshots (processes): %s after %d ms%n", what,
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - began));
    }

    private Path storage(String id) {
        return dir.resolve("controllers").resolve(id);
    }

    @Test
    void aKilledControllerCatchesUpFromTheLeadersSnapshotAndAnswersTheSameStatus() throws Exception {
        List<String> peers = ControllerRaftTest.freeAddresses(3);
        String controllerAddr = String.join(";", peers);
        long began = System.nanoTime();
        BrokerProcess broker = null;
        try (ControllerClient client = new ControllerClient("DefaultCluster", peers, CALL_MILLIS)) {
            // The JVMs start side by side: the test's budget is under a minute on a loaded machine.
            List<CompletableFuture<ControllerProcess>> starting = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                String id = "n" + i;
                starting.add(CompletableFuture.supplyAsync(() -> startQuietly(controllerAddr, id)));
            }
            CompletableFuture<BrokerProcess> brokerStarting = CompletableFuture.supplyAsync(() -> {
                try {
                    return BrokerProcess.start(dir.resolve("a"), "a",
                            ControllerFailoverTest.brokerArgs("a", controllerAddr).toArray(String[]::new));
                } catch (Exception e) {
                    throw new CompletionException(e);
                }
            });
            for (CompletableFuture<ControllerProcess> controller : starting) {
                controller.get(90, TimeUnit.SECONDS);
            }
            broker = brokerStarting.get(90, TimeUnit.SECONDS);
            ControllerFailoverTest.awaitGroup(client, 1, 30_000);
            phase("controllers and broker up", began);
            // Commands through the Raft log (REGISTER, ELECT, ALTER of groups g0..g2): three snapshots' worth.
            buildState(client, 0, 3 * THRESHOLD);
            for (String id : controllers.keySet()) {
                awaitTrue(() -> newestSnapshotIndex(storage(id)) >= 0 && firstSegmentStart(storage(id)) > 1,
                        id + " took a snapshot and deleted its first log segment");
            }

            phase("snapshots taken and logs purged", began);
            String leader = leader(client);
            String victim = controllers.keySet().stream().filter(id -> !id.equals(leader)).findFirst().orElseThrow();
            controllers.get(victim).kill();
            long victimSnapshot = newestSnapshotIndex(storage(victim));
            // Where the victim's log may end at most: a peer snapshots once THRESHOLD entries were applied after its
            // last snapshot, so its applied entries end below victimSnapshot + THRESHOLD; the rest is a margin for
            // entries it appended but had not applied yet.
            long victimEndBound = victimSnapshot + 3 * THRESHOLD;

            // The two left (a quorum) go on past further snapshots, and purge their logs beyond the victim's end.
            buildState(client, 3 * THRESHOLD, 6 * THRESHOLD);
            for (String id : controllers.keySet()) {
                if (!id.equals(victim)) {
                    awaitTrue(() -> newestSnapshotIndex(storage(id)) > victimEndBound
                            && firstSegmentStart(storage(id)) > victimEndBound, id + " snapshotted and purged past "
                            + victimEndBound + " (victim's own snapshot " + victimSnapshot + ")");
                }
            }
            phase(victim + " SIGKILLed; the others snapshotted and purged past it", began);
            List<GroupView> expected = client.status(null).groups();
            List<String> survivorsStatus = groupLines(haStatus(broker.url()));

            startController(controllerAddr, victim);
            awaitTrue(() -> installedSnapshotIndex(victim) > victimEndBound, victim + " installed the leader's "
                    + "snapshot (its log: " + loadedLines(victim) + ")");
            try (RaftClient raw = RaftClient.newBuilder().setProperties(new RaftProperties())
                    .setRaftGroup(ControllerPeers.group("DefaultCluster", peers)).build()) {
                awaitTrue(() -> ControllerSnapshotRaftTest.transferTo(raw, victim) && victim.equals(leader(client)),
                        victim + " becomes the controller's leader");
            }
            phase(victim + " restarted, caught up, leader", began);
            ControllerClient.Reply status = client.status(null);
            assertEquals(victim, status.leader());
            assertEquals(expected, status.groups(), victim + " holds the same state");
            String admin = haStatus(broker.url());
            assertTrue(admin.startsWith("controller leader: " + victim + "\n"), admin);
            assertEquals(survivorsStatus, groupLines(admin), "keel-admin ha status through " + victim);
            System.out.printf("controller snapshots (processes): %s killed with its snapshot at %d, installed the "
                    + "leader's at %d, answers as leader the same %d groups; %d s%n", victim, victimSnapshot,
                    installedSnapshotIndex(victim), expected.size(),
                    TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - began));
        } catch (Throwable failure) {
            ProxiedGroup.printControllerLogs(dir.resolve("controllers"), controllers.keySet());
            throw failure;
        } finally {
            if (broker != null) {
                broker.process().destroyForcibly();
            }
            for (ControllerProcess controller : controllers.values()) {
                controller.process().destroyForcibly();
            }
        }
    }

    private static String leader(ControllerClient client) throws java.io.IOException {
        return client.status(null).leader();
    }

    /** The lines of {@code ha status} that state each group's master, epochs and in-sync set. */
    private static List<String> groupLines(String status) {
        return status.lines().filter(line -> line.startsWith("group ")).toList();
    }

    /** The highest index of a snapshot the restarted peer loaded (its own at its start, then one it was sent). */
    private long installedSnapshotIndex(String id) throws Exception {
        long highest = -1;
        for (String line : loadedLines(id)) {
            Matcher matcher = LOADED.matcher(line);
            if (matcher.find()) {
                highest = Math.max(highest, Long.parseLong(matcher.group(1)));
            }
        }
        return highest;
    }

    private List<String> loadedLines(String id) throws Exception {
        Path log = dir.resolve("controllers").resolve(id + ".log");
        return Files.readAllLines(log, StandardCharsets.UTF_8).stream().filter(line -> line.contains("loaded snapshot"))
                .toList();
    }

    /** {@code keel-admin --url URL ha status} in a JVM of its own, as bin/keel-admin runs it; its standard output. */
    private String haStatus(String url) throws Exception {
        Path errors = dir.resolve("keel-admin.err");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process admin = new ProcessBuilder(List.of(java, "-Xmx64m", "-XX:+UseSerialGC", "-cp",
                System.getProperty("java.class.path"), AdminMain.class.getName(), "--url", url, "ha", "status"))
                .redirectError(errors.toFile()).start();
        byte[] out = admin.getInputStream().readAllBytes();
        assertTrue(admin.waitFor(60, TimeUnit.SECONDS), "keel-admin ended");
        String text = new String(out, StandardCharsets.UTF_8);
        assertEquals(0, admin.exitValue(), text + Files.readString(errors));
        return text;
    }
}
