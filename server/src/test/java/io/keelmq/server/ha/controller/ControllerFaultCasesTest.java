package io.keelmq.server.ha.controller;

import io.keelmq.jms.KeelConnectionFactory;
import io.keelmq.jms.SendStatus;
import io.keelmq.server.ha.CommitLogRecords;
import io.keelmq.server.ha.HaTestSupport;
import jakarta.jms.Connection;
import jakarta.jms.JMSException;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 18's fault cases 2, 4 and 6 in controller mode: three brokers a, b, c of one group, child JVMs on 127.0.0.1
 * ({@link ProxiedGroup}), each HA port behind a FaultProxy. Every case counts each message a send was answered
 * SEND_OK for, marked in its body ({@code <case>-<n>;}) so that its record can be found in the commit logs, and
 * consumes everything from the master at the end.
 * <ol>
 * <li>case 2, {@link #sigkillOfOneSlaveThenTheOtherKeepsSendOkWithTheInSyncSlaveThenSlaveNotAvailableAndLosesNothing}:
 * the controller shrinks the in-sync set as the slaves die; SEND_OK while one in-sync slave remains,
 * SLAVE_NOT_AVAILABLE once none does (minInSyncReplicas is 1, the default);</li>
 * <li>case 4, {@link #twoFailoversBackToBackCutEachOldMastersDivergedTailAndLeaveIdenticalLogs}: two failovers, each
 * old master holding a record no slave has (KIP-101), rejoins, cuts it into quarantine/, and the three logs are the
 * same bytes up to the confirmed offset;</li>
 * <li>case 6, {@link #anAsyncMasterFailoverKeepsAllUpToTheNewMastersOffsetAndQuarantinesExactlyTheRest}: ASYNC_MASTER,
 * what lies at or below the new master's acknowledged offset survives, the bytes above it are exactly the old
 * master's quarantine/.</li>
 * </ol>
 */
class ControllerFaultCasesTest {
    private static final String QUEUE = "fault-cases";
    private static final Pattern MARKER = Pattern.compile("([a-z0-9]+-\\d+);");
    /** Sends answered SEND_OK in each step: few, the cases are about what happens between the steps. */
    private static final int STEP = 20;

    @TempDir
    Path dir;

    /** Case 2: with keel-controller processes (killing two of three embedded peers would leave no Raft quorum). */
    @Test
    void sigkillOfOneSlaveThenTheOtherKeepsSendOkWithTheInSyncSlaveThenSlaveNotAvailableAndLosesNothing()
            throws Exception {
        inGroup("SYNC_MASTER", false, (group, before) -> {
            String master = before.master();
            List<String> slaves = ProxiedGroup.IDS.stream().filter(id -> !id.equals(master)).toList();
            Sent sent = new Sent();
            try (StatusSender sender = new StatusSender(group.url(master))) {
                for (int i = 0; i < STEP; i++) {
                    assertEquals(SendStatus.SEND_OK, sender.send("all", sent), "send " + i + ", all in sync");
                }

                group.kill(slaves.get(0));
                // The master counts the dead slave out and has the controller shrink the in-sync set; a send
                // meanwhile waits for it (FLUSH_SLAVE_TIMEOUT at worst), and never hears SLAVE_NOT_AVAILABLE:
                // another slave is in sync all along.
                Set<String> shrunk = Set.of(master, slaves.get(1));
                List<SendStatus> meanwhile = new ArrayList<>();
                long deadline = System.currentTimeMillis() + 30_000;
                while (!inSync(group).equals(shrunk)) {
                    assertTrue(System.currentTimeMillis() < deadline, "the in-sync set never became " + shrunk
                            + ": " + inSync(group));
                    meanwhile.add(sender.send("shrinking", sent));
                }
                assertFalse(meanwhile.contains(SendStatus.SLAVE_NOT_AVAILABLE),
                        "statuses while the in-sync set shrank: " + meanwhile);
                for (int i = 0; i < STEP; i++) {
                    assertEquals(SendStatus.SEND_OK, sender.send("one", sent),
                            "send " + i + " with " + slaves.get(1) + " the in-sync slave left");
                }

                group.kill(slaves.get(1));
                SendStatus status = sender.send("racing", sent);
                deadline = System.currentTimeMillis() + 30_000;
                while (status == SendStatus.SEND_OK && System.currentTimeMillis() < deadline) {
                    status = sender.send("racing", sent);    // it may have reached the slave before it died
                }
                assertTrue(status == SendStatus.SLAVE_NOT_AVAILABLE || status == SendStatus.FLUSH_SLAVE_TIMEOUT,
                        "the first status once the last slave died: " + status);
                for (int i = 0; i < STEP / 2; i++) {
                    assertEquals(SendStatus.SLAVE_NOT_AVAILABLE, sender.send("none", sent),
                            "send " + i + " with no slave in sync");
                }
            }
            awaitInSync(group, Set.of(master));
            assertEquals(master, group.controller().status(ControllerFailoverTest.GROUP).group().master(),
                    "the master stays master through the loss of its slaves");
            Map<String, Boolean> received = drainWithin(group.url(master));
            System.out.printf("controller slave loss: %d SEND_OK (%d while the in-sync set shrank), %d messages "
                    + "on the master%n", sent.ok.size(), sent.statuses.getOrDefault("shrinking", List.of()).size(),
                    received.size());
            assertNoneLost(sent, received.keySet());
        });
    }

    /** Case 4: embedded controllers; each kill leaves two of the three peers, a quorum. */
    @Test
    void twoFailoversBackToBackCutEachOldMastersDivergedTailAndLeaveIdenticalLogs() throws Exception {
        inGroup("SYNC_MASTER", true, (group, first) -> {
            String m1 = first.master();
            Sent sent = new Sent();
            sendOk(group.url(m1), "epoch1", STEP, sent);

            GroupView second = failOverWithADivergedTail(group, first, "onlyon" + m1, sent);
            String m2 = second.master();
            sendOk(group.url(m2), "epoch2", STEP, sent);
            group.restart(m1);          // it rejoins as a slave of m2: its diverged record goes to quarantine/
            GroupView rejoined = ControllerFailoverTest.awaitGroup(group.controller(), 3, 90_000);

            GroupView third = failOverWithADivergedTail(group, rejoined, "onlyon" + m2, sent);
            String m3 = third.master();
            sendOk(group.url(m3), "epoch3", STEP, sent);
            group.restart(m2);
            ControllerFailoverTest.awaitGroup(group.controller(), 3, 90_000);
            // With all three in sync: the last SEND_OK is on every broker, its end is the confirmed offset.
            sendOk(group.url(m3), "final", 1, sent);
            System.out.printf("controller double failover: masters %s -> %s -> %s (epoch %d), %d SEND_OK%n", m1,
                    m2, m3, third.masterEpoch(), sent.ok.size());

            Map<String, Boolean> received = drainWithin(group.url(m3));
            assertNoneLost(sent, received.keySet());
            group.stopAll();

            List<byte[]> masterLog = CommitLogRecords.read(group.data(m3).resolve("commitlog"));
            Set<String> markers = markerOffsets(masterLog).keySet();
            assertFalse(markers.contains("onlyon" + m1 + "-0") || markers.contains("onlyon" + m2 + "-0"),
                    "a record no slave had before its master died is in the group's log: " + markers);
            long confirmed = endOf(masterLog, "final-0;");
            for (String id : List.of(m1, m2)) {
                CommitLogRecords.assertIdentical(upTo(masterLog, confirmed),
                        upTo(CommitLogRecords.read(group.data(id).resolve("commitlog")), confirmed));
            }
            String q1 = new String(group.quarantined(m1), StandardCharsets.ISO_8859_1);
            String q2 = new String(group.quarantined(m2), StandardCharsets.ISO_8859_1);
            assertTrue(q1.contains("onlyon" + m1 + "-0;"), m1 + "'s diverged record is in its quarantine/");
            assertTrue(q2.contains("onlyon" + m2 + "-0;"), m2 + "'s diverged record is in its quarantine/");
            assertFalse(q1.contains("epoch2-") || q2.contains("epoch3-") || q1.contains("epoch1-")
                    || q2.contains("epoch2-"), "no SEND_OK record was cut into quarantine/");
        });
    }

    /** Case 6: ASYNC_MASTER, embedded controllers. */
    @Test
    void anAsyncMasterFailoverKeepsAllUpToTheNewMastersOffsetAndQuarantinesExactlyTheRest() throws Exception {
        inGroup("ASYNC_MASTER", true, (group, first) -> {
            String m1 = first.master();
            Sent sent = new Sent();
            try (StatusSender sender = new StatusSender(group.url(m1))) {
                for (int i = 0; i < 3 * STEP; i++) {
                    assertEquals(SendStatus.SEND_OK, sender.send("async", sent), "ASYNC_MASTER send " + i);
                }
                // The slaves hear nothing more: what the master answers SEND_OK now is on it alone. Killed well
                // within haHousekeepingInterval, it still counts its slaves in sync, so one can be elected.
                group.haProxy(m1).drop();
                long until = System.currentTimeMillis() + 1_000;
                for (int i = 0; i < STEP && System.currentTimeMillis() < until; i++) {
                    assertEquals(SendStatus.SEND_OK, sender.send("async", sent), "ASYNC_MASTER send, cut off");
                }
            }
            group.kill(m1);
            group.haProxy(m1).pass();
            List<byte[]> oldLog = CommitLogRecords.read(group.data(m1).resolve("commitlog"));

            GroupView second = ControllerFailoverTest.awaitNewMaster(group.controller(), m1, 90_000);
            String m2 = second.master();
            assertTrue(first.inSync().contains(m2), "an in-sync slave was elected: " + second);
            long acknowledged = awaitEpochStart(group.data(m2), second.masterEpoch());
            Map<String, Long> offsets = markerOffsets(oldLog);
            List<String> kept = new ArrayList<>();
            List<String> beyond = new ArrayList<>();
            for (Map.Entry<String, String> ok : sent.ok.entrySet()) {
                Long offset = offsets.get(ok.getKey());
                assertTrue(offset != null, ok.getKey() + " answered SEND_OK is in the old master's log");
                (offset < acknowledged ? kept : beyond).add(ok.getValue());
            }
            assertTrue(oldLog.stream().anyMatch(record -> ByteBuffer.wrap(record).getLong(0) == acknowledged),
                    "the new master's epoch starts at a record of the old master's log: " + acknowledged);
            assertFalse(beyond.isEmpty(), "sends answered while the slaves were cut off are beyond the new "
                    + "master's offset " + acknowledged);

            Map<String, Boolean> received = drainWithin(group.url(m2));
            List<String> lostBelow = new ArrayList<>(kept);
            lostBelow.removeAll(received.keySet());
            List<String> survivedAbove = new ArrayList<>(beyond);
            survivedAbove.retainAll(received.keySet());
            System.out.printf("controller ASYNC_MASTER failover: %d SEND_OK, new master %s from offset %d: %d "
                    + "below it (%d delivered), %d above it lost%n", sent.ok.size(), m2, acknowledged,
                    kept.size(), kept.size() - lostBelow.size(), beyond.size());
            assertEquals(List.of(), lostBelow, "SEND_OK messages at or below the new master's offset lost");
            assertEquals(List.of(), survivedAbove, "messages above the new master's offset cannot be on it");
            CommitLogRecords.assertIdentical(upTo(oldLog, acknowledged),
                    upTo(CommitLogRecords.read(group.data(m2).resolve("commitlog")), acknowledged));

            group.restart(m1);          // rejoins as a slave of m2 and cuts what is above its offset
            ControllerFailoverTest.awaitGroup(group.controller(), 3, 90_000);
            assertArrayEquals(bytesFrom(oldLog, acknowledged), group.quarantined(m1),
                    "the old master's quarantine/ holds exactly its log's bytes above the new master's offset");
        });
    }

    // ------------------------------------------------------------------ the steps

    /** A case's body, given the running group and its first view with a master and three in sync. */
    private interface Case {
        void run(ProxiedGroup group, GroupView first) throws Exception;
    }

    /** Runs {@code body} on a new {@link ProxiedGroup}; on a failure, prints what the brokers logged. */
    private void inGroup(String role, boolean embedded, Case body) throws Exception {
        try (ProxiedGroup group = ProxiedGroup.start(dir, role, embedded)) {
            try {
                body.run(group, ControllerFailoverTest.awaitGroup(group.controller(), 3, 90_000));
            } catch (Throwable failure) {
                group.printLogs();
                throw failure;
            }
        }
    }

    /**
     * Cuts master {@code view.master()} off from its slaves, has it store a record none of them gets (the send
     * waits for them), SIGKILLs it as soon as the record is in its log (well within haHousekeepingInterval: it
     * still counts its slaves in sync), reconnects its proxy for its restart, and waits for the next master. The
     * record's send counts like any other: answered SEND_OK (no slave has it), it would be found lost.
     */
    private static GroupView failOverWithADivergedTail(ProxiedGroup group, GroupView view, String prefix, Sent sent)
            throws Exception {
        String master = view.master();
        group.haProxy(master).drop();
        Sent diverging = new Sent();
        Thread send = new Thread(() -> {
            try (StatusSender sender = new StatusSender(group.url(master))) {
                sender.send(prefix, diverging);
            } catch (JMSException e) {
                // the master was killed under it: its outcome is not SEND_OK
            }
        }, "diverging-send");
        send.setDaemon(true);
        send.start();
        long deadline = System.currentTimeMillis() + 10_000;
        while (!group.logContains(master, prefix + "-0;")) {
            assertTrue(System.currentTimeMillis() < deadline, "the diverging record never reached " + master
                    + "'s log");
            Thread.sleep(20);
        }
        // A moment for the send's answer: a master that answered SEND_OK for it now (no slave has it) loses it.
        // Still well within haHousekeepingInterval (3 s) of the slaves' last word.
        send.join(700);
        group.kill(master);
        group.haProxy(master).pass();
        send.join(10_000);
        sent.ok.putAll(diverging.ok);       // (joined: the thread has ended, its map is settled)
        GroupView next = ControllerFailoverTest.awaitNewMaster(group.controller(), master, 90_000);
        assertTrue(view.inSync().contains(next.master()), "an in-sync slave was elected: " + view + " -> " + next);
        assertEquals(view.masterEpoch() + 1, next.masterEpoch());
        return next;
    }

    /** Sends until {@code count} were answered SEND_OK by the master at {@code url}, which may still be starting. */
    private static void sendOk(String url, String prefix, int count, Sent sent) throws Exception {
        long deadline = System.currentTimeMillis() + 60_000;
        int ok = 0;
        while (ok < count) {
            assertTrue(System.currentTimeMillis() < deadline, "only " + ok + " of " + count + " " + prefix
                    + " sends answered SEND_OK by " + url + " within 60 s; statuses " + sent.statuses.get(prefix));
            try (StatusSender sender = new StatusSender(url)) {
                while (ok < count && System.currentTimeMillis() < deadline) {
                    // SLAVE_NOT_AVAILABLE while the new master's slaves reconnect: stored, not counted
                    if (sender.send(prefix, sent) == SendStatus.SEND_OK) {
                        ok++;
                    }
                }
            } catch (JMSException e) {
                Thread.sleep(200);      // restarting in place to take the mastership, or not promoted yet
            }
        }
    }

    private static Set<String> inSync(ProxiedGroup group) throws Exception {
        return new TreeSet<>(group.controller().status(ControllerFailoverTest.GROUP).group().inSync());
    }

    private static void awaitInSync(ProxiedGroup group, Set<String> expected) throws Exception {
        ControllerFailoverTest.awaitView(group.controller(), view -> new TreeSet<>(view.inSync()).equals(expected),
                30_000, "the in-sync set never became " + expected);
    }

    /** Everything the master at {@code url} delivers (id -> JMSRedelivered); it may be restarting in place. */
    private static Map<String, Boolean> drainWithin(String url) throws Exception {
        return HaTestSupport.drainWithin(url, null, null, QUEUE, 10_000, 1_500);
    }

    private static void assertNoneLost(Sent sent, Set<String> received) {
        List<String> lost = new ArrayList<>();
        sent.ok.forEach((marker, id) -> {
            if (!received.contains(id)) {
                lost.add(marker);
            }
        });
        assertEquals(List.of(), lost, lost.size() + " of " + sent.ok.size() + " SEND_OK messages lost");
    }

    /** The start offset of {@code epoch} in the broker's epoch file, once its new master has written it. */
    private static long awaitEpochStart(Path data, long epoch) throws Exception {
        Path epochs = data.resolve("config/epochs");
        long deadline = System.currentTimeMillis() + 60_000;
        while (System.currentTimeMillis() < deadline) {
            if (Files.exists(epochs)) {
                for (String line : Files.readAllLines(epochs)) {
                    String[] fields = line.trim().split(" ");
                    if (fields.length == 2 && Long.parseLong(fields[0]) == epoch) {
                        return Long.parseLong(fields[1]);
                    }
                }
            }
            Thread.sleep(100);
        }
        throw new AssertionError("epoch " + epoch + " never written to " + epochs);
    }

    // ------------------------------------------------------------------ the logs' records

    /** The offset of each marked record in a log (CommitLogRecords entries: offset, then the record). */
    private static Map<String, Long> markerOffsets(List<byte[]> log) {
        Map<String, Long> offsets = new LinkedHashMap<>();
        for (byte[] record : log) {
            Matcher marker = MARKER.matcher(new String(record, 8, record.length - 8, StandardCharsets.ISO_8859_1));
            if (marker.find()) {
                offsets.put(marker.group(1), ByteBuffer.wrap(record).getLong(0));
            }
        }
        return offsets;
    }

    /** The end offset of the record holding {@code text}. */
    private static long endOf(List<byte[]> log, String text) {
        for (byte[] record : log) {
            if (new String(record, StandardCharsets.ISO_8859_1).contains(text)) {
                return ByteBuffer.wrap(record).getLong(0) + record.length - 8;
            }
        }
        throw new AssertionError(text + " is not in the log");
    }

    /** The entries of a log below {@code end}. */
    private static List<byte[]> upTo(List<byte[]> log, long end) {
        return log.stream().filter(record -> ByteBuffer.wrap(record).getLong(0) < end).toList();
    }

    /** The bytes of a log's records at and above {@code start}, as they lay in its files. */
    private static byte[] bytesFrom(List<byte[]> log, long start) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        for (byte[] record : log) {
            if (ByteBuffer.wrap(record).getLong(0) >= start) {
                bytes.write(record, 8, record.length - 8);
            }
        }
        return bytes.toByteArray();
    }

    // ------------------------------------------------------------------ sending

    /** The sends of a case: marker -> message id of each SEND_OK, and every status by marker prefix. */
    private static final class Sent {
        final Map<String, String> ok = new LinkedHashMap<>();
        final Map<String, List<SendStatus>> statuses = new LinkedHashMap<>();

        /** The next marker of {@code prefix}: {@code prefix-n}, n counting that prefix's sends from 0. */
        String nextMarker(String prefix) {
            return prefix + "-" + statuses.computeIfAbsent(prefix, p -> new ArrayList<>()).size();
        }
    }

    /** One connection and producer to a broker; each send's body carries its marker. */
    private static final class StatusSender implements AutoCloseable {
        private final Connection connection;
        private final Session session;
        private final MessageProducer producer;

        StatusSender(String url) throws JMSException {
            connection = new KeelConnectionFactory(url).createConnection();
            try {
                session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
                producer = session.createProducer(session.createQueue(QUEUE));
            } catch (JMSException | RuntimeException e) {
                HaTestSupport.closeQuietly(connection);
                throw e;
            }
        }

        SendStatus send(String prefix, Sent sent) throws JMSException {
            String marker = sent.nextMarker(prefix);
            TextMessage message = session.createTextMessage(marker + ";" + "x".repeat(200));
            SendStatus status = HaTestSupport.sendWithStatus(producer, message);
            sent.statuses.computeIfAbsent(prefix, p -> new ArrayList<>()).add(status);
            if (status == SendStatus.SEND_OK) {
                sent.ok.put(marker, message.getJMSMessageID());
            }
            return status;
        }

        @Override
        public void close() {
            HaTestSupport.closeQuietly(connection);
        }
    }
}
