package io.keelmq.server.jms;

import io.keelmq.jms.KeelConnectionFactory;
import io.keelmq.jms.SendStatus;
import io.keelmq.jms.SendStatusException;
import io.keelmq.server.testing.BrokerProcess;
import io.keelmq.server.testing.SizeLimitedFileLayer;
import io.keelmq.server.testing.SmallDiskMain;
import jakarta.jms.Connection;
import jakarta.jms.DeliveryMode;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageProducer;
import jakarta.jms.QueueBrowser;
import jakarta.jms.ResourceAllocationException;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The broker process on a 48 MiB file system (a {@link SizeLimitedFileLayer}, no root needed), 4 producers sending
 * persistent 1 KiB messages under SYNC_FLUSH until the disk is full, as in issue 20. Every send gets an answer
 * (SEND_OK, FLUSH_DISK_TIMEOUT or RESOURCE_EXHAUSTED naming the path and the usage, never a timeout); consumers and
 * browsers keep working while sends are refused; sends are accepted again once space is freed, without a restart;
 * SIGTERM stops the broker while the disk is full; and after a restart every message answered SEND_OK is there.
 *
 * <p>Most of the 48 MiB is taken by a sparse ballast file (counted whole, written never), so the store fills the
 * rest in a few thousand sends; deleting it is the operator freeing space.
 */
class DiskFullJmsTest {
    private static final long CAPACITY = 48L << 20;
    private static final String QUEUE = "disk-full";
    private static final int PRODUCERS = 4;
    private static final String PADDING = "x".repeat(1000);
    private static final long SHUTDOWN_TIMEOUT = 15_000;
    private static final String[] SETTINGS = {"--flushDiskType=SYNC_FLUSH", "--mappedFileSizeCommitLog=8388608",
            "--timerWheelSlots=3600", "--cleanResourceInterval=1000", "--shutdownTimeoutMillis=" + SHUTDOWN_TIMEOUT};

    @TempDir
    Path dir;

    /** What the producers were answered. */
    private final Map<String, String> acknowledged = new ConcurrentHashMap<>();
    private final Set<String> unsure = ConcurrentHashMap.newKeySet();
    private final ConcurrentLinkedQueue<String> refusals = new ConcurrentLinkedQueue<>();
    private final ConcurrentLinkedQueue<String> wrongAnswers = new ConcurrentLinkedQueue<>();

    /** The store's folder; and the ballast file in it that takes most of the 48 MiB. */
    private Path data;
    private Path ballast;

    /** Creates the ballast, leaving {@code free} bytes; answers the main class and arguments of the broker on it. */
    private List<String> smallDisk(long free, SizeLimitedFileLayer.Mode mode) throws Exception {
        data = dir.resolve("data");
        ballast = data.resolve("ballast");
        Files.createDirectories(data);
        setLength(ballast, CAPACITY - free);
        return List.of(SmallDiskMain.class.getName(), Long.toString(CAPACITY), mode.name());
    }

    @Test
    void aFullDiskAnswersEverySendKeepsReadsWorkingStopsOnSigtermAndLosesNothingAnswered() throws Exception {
        // 10 MiB left, 5 of them below the 90 % watermark.
        List<String> main = smallDisk(10L << 20, SizeLimitedFileLayer.Mode.SEES);
        BrokerProcess first = BrokerProcess.start(dir, "first", main, SETTINGS);
        String url = first.url() + "?requestTimeout=3000";
        Set<String> consumed = ConcurrentHashMap.newKeySet();
        try (Connection own = new KeelConnectionFactory(url).createConnection()) {
            // Before the disk fills: a transaction's messages (not committed yet) and a delayed message.
            Session transacted = own.createSession(true, Session.SESSION_TRANSACTED);
            MessageProducer inTransaction = transacted.createProducer(transacted.createQueue(QUEUE + "-tx"));
            for (int i = 0; i < 5; i++) {
                inTransaction.send(transacted.createTextMessage("tx" + i));
            }
            Session session = own.createSession(false, Session.AUTO_ACKNOWLEDGE);
            MessageProducer delayed = session.createProducer(session.createQueue(QUEUE + "-delayed"));
            delayed.setDeliveryDelay(6_000);
            delayed.send(session.createTextMessage("delayed"));
            long due = System.currentTimeMillis() + 6_000;

            fill(url);
            assertEveryRefusalSays("disk usage", data.toString(), "diskSpaceWarningLevelRatio 90%");
            // The broker's own records use the reserve: the decision and the messages of a commit, a due message.
            transacted.commit();
            own.start();
            MessageConsumer committed = session.createConsumer(session.createQueue(QUEUE + "-tx"));
            for (int i = 0; i < 5; i++) {
                Message message = committed.receive(10_000);
                assertTrue(message != null, "committed message " + i + " while the disk is full");
            }
            System.out.printf("disk-full test: the delayed message fell due %s the disk was full%n",
                    System.currentTimeMillis() < due ? "after" : "before");
            assertTrue(session.createConsumer(session.createQueue(QUEUE + "-delayed")).receive(20_000) != null,
                    "the delayed message is delivered");
            readWhileFull(first, url, consumed);
            Files.delete(ballast);                      // the operator frees space: accepted again, no restart
            sendUntil(url, "after-freeing", Answer.SEND_OK);
            stopWhileFull(first, url, 3L << 20);    // 94 % used
            // The reserve left room for the clean close: positions, checkpoint, and the marker removed.
            assertTrue(!Files.exists(data.resolve("abort")), "the clean-shutdown marker is written: " + first.log());
        } catch (JMSException e) {
            // The connection `own` fails at its close once the broker has stopped; anything before that fails the test.
            assertTrue(!first.process().isAlive(), "JMS failure while the broker runs: " + e);
        } finally {
            first.process().destroyForcibly();
        }
        // The next start, on the disk still full, recovers; every message answered SEND_OK is there.
        BrokerProcess second = BrokerProcess.start(dir, "second", main, SETTINGS);
        assertTrue(second.log().contains("opened: clean shutdown"), second.log());
        assertNothingAnsweredLost(second, consumed);
    }

    /**
     * Issue 20's failure mode: the file system fills unseen (the layer reports it empty, as when another program
     * fills it between two samples: {@link SizeLimitedFileLayer.Mode#BLIND}), so writes find out by ENOSPC: first
     * the consume queues' (the commit log is prefilled ahead), then the commit log's. Sends are answered all the
     * same: SEND_OK while only the consume queues cannot grow (the message is durable), RESOURCE_EXHAUSTED naming
     * the file system's error once the commit log cannot; the dispatcher backs off and catches up once space is
     * freed; SIGTERM still stops it.
     */
    @Test
    void aDiskThatFillsUnseenStillAnswersEverySendAndTheBrokerStopsAndRecovers() throws Exception {
        List<String> main = smallDisk(6L << 20, SizeLimitedFileLayer.Mode.BLIND);
        BrokerProcess first = BrokerProcess.start(dir, "first", main, SETTINGS);
        String url = first.url() + "?requestTimeout=3000";
        Set<String> consumed = ConcurrentHashMap.newKeySet();
        try {
            fill(url);
            assertEveryRefusalSays("No space left on device", data.resolve("commitlog").toString());
            Files.delete(ballast);
            sendUntil(url, "after-freeing", Answer.SEND_OK);
            stopWhileFull(first, url, 0);
            // Logged once per change (failing, working again), never once per try: the lines alternate.
            List<String> changes = first.log().lines()
                    .filter(line -> line.contains("dispatch to consume queues and index")).toList();
            assertTrue(!changes.isEmpty() && changes.size() <= 60, changes.toString());
            for (int i = 0; i < changes.size(); i++) {
                assertTrue(changes.get(i).contains(i % 2 == 0 ? "failed" : "works again"), changes.toString());
            }
        } finally {
            first.process().destroyForcibly();
        }
        Files.delete(ballast);                          // recovery rebuilds consume queues: it needs the space
        assertNothingAnsweredLost(BrokerProcess.start(dir, "second", main, SETTINGS), consumed);
    }

    /**
     * A force that fails for lack of space ({@link SizeLimitedFileLayer.Mode#FORCE_FAILS}): the sends it covered are
     * answered FLUSH_DISK_TIMEOUT (stored or not: the restart's recovery decides), and the failure is
     * final: every later send is refused saying to restart, even once space is freed, because a later force that
     * succeeds proves nothing. Reads go on; SIGTERM stops the broker; the next start recovers from the log (no
     * clean-shutdown marker) with every message answered SEND_OK.
     */
    @Test
    void aForceThatFailsForLackOfSpaceAnswersFlushDiskTimeoutAndIsFinalUntilRestart() throws Exception {
        List<String> main = smallDisk(4L << 20, SizeLimitedFileLayer.Mode.FORCE_FAILS);
        BrokerProcess first = BrokerProcess.start(dir, "first", main, SETTINGS);
        String url = first.url() + "?requestTimeout=3000";
        Set<String> consumed = ConcurrentHashMap.newKeySet();
        try {
            fill(url);
            assertTrue(!unsure.isEmpty(), "the sends of the failed force are answered FLUSH_DISK_TIMEOUT");
            assertEveryRefusalSays("force failed", "restart");
            Files.delete(ballast);
            int before = refusals.size();
            sendUntil(url, "after-freeing", Answer.RESOURCE_EXHAUSTED);
            assertEquals(before + 1, refusals.size(), "still refused at once after space was freed");
            try (Connection connection = new KeelConnectionFactory(url).createConnection()) {
                Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
                connection.start();
                consume(session, 100, consumed);
            }
            first.process().destroy();
            assertTrue(first.process().waitFor(40, TimeUnit.SECONDS), "SIGTERM did not stop the broker");
            assertEquals(0, first.process().exitValue(), first.log());
            assertTrue(Files.exists(data.resolve("abort")), "no clean-shutdown marker after a failed force");
        } finally {
            first.process().destroyForcibly();
        }
        BrokerProcess second = BrokerProcess.start(dir, "second", main, SETTINGS);
        assertTrue(second.log().contains("crash recovery"), second.log());
        assertNothingAnsweredLost(second, consumed);
    }

    /** Every producer sends until it has been refused three times; every send had an answer the issue allows. */
    private void fill(String url) throws InterruptedException {
        List<Thread> producers = new ArrayList<>();
        for (int p = 0; p < PRODUCERS; p++) {
            int producer = p;
            producers.add(new Thread(() -> produceUntilRefused(url, producer, 3), "producer-" + p));
        }
        producers.forEach(Thread::start);
        for (Thread producer : producers) {
            producer.join(120_000);
            assertTrue(!producer.isAlive(), "a producer is still sending after 2 minutes");
        }
        assertEquals(List.of(), List.copyOf(wrongAnswers), "answers other than SEND_OK, FLUSH_DISK_TIMEOUT "
                + "and RESOURCE_EXHAUSTED (a RequestTimeoutException is a send left without an answer)");
        assertTrue(acknowledged.size() > 1_000, "filled the disk first: " + acknowledged.size());
        assertEquals(PRODUCERS * 3, refusals.size(), List.copyOf(refusals).toString());
    }

    /** A browser, keel-admin and a consumer whose acknowledgements are recorded, while sends are refused. */
    private void readWhileFull(BrokerProcess broker, String url, Set<String> consumed) throws Exception {
        try (Connection connection = new KeelConnectionFactory(url).createConnection()) {
            Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
            connection.start();
            QueueBrowser browser = session.createBrowser(session.createQueue(QUEUE));
            Enumeration<?> browsed = browser.getEnumeration();
            int seen = 0;
            while (browsed.hasMoreElements() && seen < 100) {
                browsed.nextElement();
                seen++;
            }
            assertEquals(100, seen, "the browser sees the stored messages");
            String admin = keelAdmin("--url", broker.url(), "destination", "list");
            assertTrue(admin.contains(QUEUE), "keel-admin works while the disk is full: " + admin);
            consume(session, 500, consumed);
        }
    }

    /** Receives {@code count} messages of the queue (each within 10 s), acknowledged; adds their ids. */
    private static void consume(Session session, int count, Set<String> consumed) throws JMSException {
        MessageConsumer consumer = session.createConsumer(session.createQueue(QUEUE));
        for (int i = 0; i < count; i++) {
            Message message = consumer.receive(10_000);
            assertTrue(message != null, "received " + i + " of " + count + " while the disk is full");
            consumed.add(message.getJMSMessageID());
        }
        consumer.close();
    }

    private void assertEveryRefusalSays(String... parts) {
        for (String refusal : refusals) {
            assertTrue(refusal.contains("RESOURCE_EXHAUSTED"), refusal);
            for (String part : parts) {
                assertTrue(refusal.contains(part), "'" + part + "' missing: " + refusal);
            }
        }
    }

    /**
     * Fills the disk again with the ballast, leaving {@code free} bytes, waits for a refusal, then SIGTERM: exit 0,
     * within the timeout.
     */
    private void stopWhileFull(BrokerProcess broker, String url, long free) throws Exception {
        setLength(ballast, CAPACITY - new SizeLimitedFileLayer(data, CAPACITY).usedBytes() - free);
        sendUntil(url, "full-again", Answer.RESOURCE_EXHAUSTED);
        long before = System.nanoTime();
        broker.process().destroy();
        assertTrue(broker.process().waitFor(40, TimeUnit.SECONDS), "SIGTERM did not stop the broker on a full disk");
        long took = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - before);
        assertEquals(0, broker.process().exitValue(), broker.log());
        assertTrue(took < SHUTDOWN_TIMEOUT + 2_000, "stopped within shutdownTimeoutMillis: " + took + " ms");
        assertTrue(broker.log().contains("stopped"), broker.log());
    }

    /** Drains the queue on {@code broker}, stops it, and checks that no SEND_OK message is missing. */
    private void assertNothingAnsweredLost(BrokerProcess broker, Set<String> consumed) throws Exception {
        Map<String, String> received = new ConcurrentHashMap<>();
        try (Connection connection = new KeelConnectionFactory(broker.url()).createConnection()) {
            Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
            MessageConsumer consumer = session.createConsumer(session.createQueue(QUEUE));
            connection.start();
            Message message;
            while ((message = consumer.receive(3_000)) != null) {
                received.put(message.getJMSMessageID(), ((TextMessage) message).getText());
            }
        } finally {
            assertEquals(0, broker.stop(), broker.log());
        }
        List<String> missing = new ArrayList<>();
        acknowledged.forEach((id, text) -> {
            if (!consumed.contains(id) && !text.equals(received.get(id))) {
                missing.add(id);
            }
        });
        Set<String> consumedAgain = ConcurrentHashMap.newKeySet();
        consumed.forEach(id -> {
            if (received.containsKey(id)) {
                consumedAgain.add(id);
            }
        });
        System.out.printf("disk-full test: %d SEND_OK, %d FLUSH_DISK_TIMEOUT, %d RESOURCE_EXHAUSTED; %d consumed "
                + "while full, %d received after the restart%n", acknowledged.size(), unsure.size(), refusals.size(),
                consumed.size(), received.size());
        assertEquals(List.of(), missing, missing.size() + " of " + acknowledged.size() + " SEND_OK messages lost");
        assertEquals(Set.of(), consumedAgain, "acknowledged while the disk was full, yet delivered again");
    }


    /** {@code bin/keel-admin ARGS} in its own JVM; fails unless it exits 0; returns its output. */
    private static String keelAdmin(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString(), "-cp", System.getProperty("java.class.path"), "io.keelmq.server.admin.AdminMain"));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        byte[] output = process.getInputStream().readAllBytes();
        assertTrue(process.waitFor(60, TimeUnit.SECONDS), "keel-admin did not finish");
        String text = new String(output, java.nio.charset.StandardCharsets.UTF_8);
        assertEquals(0, process.exitValue(), text);
        return text;
    }

    private static void setLength(Path file, long length) throws Exception {
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            raf.setLength(length);                     // sparse: counted whole, costs no writes
        }
    }

    private void produceUntilRefused(String url, int producer, int refusalsWanted) {
        try (Connection connection = new KeelConnectionFactory(url).createConnection()) {
            Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
            MessageProducer sender = session.createProducer(session.createQueue(QUEUE));
            sender.setDeliveryMode(DeliveryMode.PERSISTENT);
            int refused = 0;
            for (int i = 0; refused < refusalsWanted; i++) {
                TextMessage message = session.createTextMessage("p" + producer + "-" + i + PADDING);
                Answer answer = send(sender, message);
                if (answer == Answer.RESOURCE_EXHAUSTED) {
                    refused++;
                    Thread.sleep(50);
                } else if (answer == Answer.WRONG) {
                    // Recorded in wrongAnswers, which fill() asserts empty. Sending on would repeat it without end
                    // (a closed connection answers every send alike) until the test JVM runs out of memory.
                    return;
                }
            }
        } catch (JMSException | InterruptedException e) {
            wrongAnswers.add("producer " + producer + ": " + e);
        }
    }

    /** The answers the issue allows, and any other. */
    private enum Answer { SEND_OK, FLUSH_DISK_TIMEOUT, RESOURCE_EXHAUSTED, WRONG }

    private Answer send(MessageProducer sender, TextMessage message) throws JMSException {
        try {
            sender.send(message);
            acknowledged.put(message.getJMSMessageID(), message.getText());
            return Answer.SEND_OK;
        } catch (SendStatusException e) {
            if (e.getStatus() == SendStatus.FLUSH_DISK_TIMEOUT) {
                unsure.add(e.getMessageId());   // may be stored or not: the restart's recovery decides
                return Answer.FLUSH_DISK_TIMEOUT;
            }
            wrongAnswers.add(e.toString());
        } catch (ResourceAllocationException e) {
            if ("RESOURCE_EXHAUSTED".equals(e.getErrorCode())) {
                refusals.add(e.getMessage());
                return Answer.RESOURCE_EXHAUSTED;
            }
            wrongAnswers.add(e.toString());
        } catch (JMSException e) {
            wrongAnswers.add(e.toString());     // a RequestTimeoutException among them: a send without an answer
        }
        return Answer.WRONG;
    }

    /** Sends one message at a time until the answer is {@code wanted}, for at most 15 s. */
    private void sendUntil(String url, String name, Answer wanted) throws Exception {
        try (Connection connection = new KeelConnectionFactory(url).createConnection()) {
            Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
            MessageProducer sender = session.createProducer(session.createQueue(QUEUE));
            sender.setDeliveryMode(DeliveryMode.PERSISTENT);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
            Answer last;
            int i = 0;
            do {
                last = send(sender, session.createTextMessage(name + "-" + i++ + PADDING));
                if (last == wanted) {
                    return;
                }
                Thread.sleep(wanted == Answer.RESOURCE_EXHAUSTED ? 1 : 100);
            } while (System.nanoTime() < deadline);
            throw new AssertionError(name + ": no " + wanted + " within 15 s, last " + last);
        }
    }
}
