package io.keelmq.server.consume;

import io.keelmq.server.persist.AtomicTextFile;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Per persisted subscription and partition, a "delivered up to" reservation: no message at
 * or above the mark has ever been delivered. The mark is advanced in chunks and written
 * (atomically, forced) before the broker delivers beyond it, so after a crash every
 * unacknowledged message below the mark read at start-up may have been delivered and is
 * redelivered with JMSRedelivered=true, while one write covers a whole chunk of deliveries.
 *
 * <p>Writing the file costs several forces (write, force, rename, force the directory). A claim
 * that had to wait for it would hold its subscription's lock meanwhile, stalling acknowledgements
 * and other claims, so subscriptions reserve the next chunk ahead, in the background
 * ({@link #reserveAhead}), while deliveries still fall within the current one; the synchronous
 * {@link #reserve} is only the fallback when deliveries overtake the background write.
 *
 * <p>Marks only rise here, except through {@link #set} (a position reset, clean shutdown): a
 * background reservation finishing after a synchronous one must not lower the mark.
 *
 * <p>File {@code <storePathRootDir>/config/delivery-marks}: subscription, partition, mark.
 */
public final class DeliveryMarks {
    private static final Logger LOG = LoggerFactory.getLogger(DeliveryMarks.class);

    private final AtomicTextFile file;
    private final Map<String, Map<Integer, Long>> current = new HashMap<>();
    private final Map<String, Map<Integer, Long>> atStartup = new HashMap<>();
    /** Writes background reservations, one at a time; created on first use. */
    private ExecutorService writer;
    /** Background reservations raised in {@link #current} and waiting for the next write. */
    private final List<Consumer<Boolean>> unwritten = new ArrayList<>();
    /**
     * Held while the file is written, instead of this object's monitor: a claim raising a mark ahead (under its
     * subscription's lock) must not wait for another partition's write.
     */
    private final Object fileLock = new Object();

    public DeliveryMarks(Path configDir) {
        this.file = new AtomicTextFile(configDir.resolve("delivery-marks"),
                "keelmq delivery marks v1: subscription partition mark");
    }

    public synchronized void load() throws IOException {
        for (String[] record : file.read()) {
            try {
                long mark = Long.parseLong(record[2]);
                int partition = Integer.parseInt(record[1]);
                current.computeIfAbsent(record[0], k -> new HashMap<>()).put(partition, mark);
                atStartup.computeIfAbsent(record[0], k -> new HashMap<>()).put(partition, mark);
            } catch (RuntimeException e) {
                throw file.malformed(record, e);
            }
        }
    }

    /** The mark read at start-up: messages below it may have been delivered by an earlier run. */
    public synchronized long markAtStartup(String subscription, int partition) {
        return atStartup.getOrDefault(subscription, Map.of()).getOrDefault(partition, 0L);
    }

    public synchronized long mark(String subscription, int partition) {
        return current.getOrDefault(subscription, Map.of()).getOrDefault(partition, 0L);
    }

    /**
     * Raises the mark (never lowers it) and writes the file before returning; the caller delivers below it only
     * then.
     */
    public void reserve(String subscription, int partition, long mark) throws IOException {
        synchronized (this) {
            current.computeIfAbsent(subscription, k -> new HashMap<>()).merge(partition, mark, Math::max);
        }
        persist();
    }

    /**
     * Raises the mark of a subscription that already has one here, and writes the file on a background thread;
     * then calls {@code written} (on that thread) with whether the mark is now on disk. A subscription that was
     * forgotten meanwhile is not brought back. Several reservations waiting together share one write.
     */
    public void reserveAhead(String subscription, int partition, long mark, Consumer<Boolean> written) {
        if (!queueAhead(subscription, partition, mark, written)) {
            written.accept(false);
        }
    }

    private synchronized boolean queueAhead(String subscription, int partition, long mark,
                                            Consumer<Boolean> written) {
        Map<Integer, Long> marks = current.get(subscription);
        if (marks == null) {
            return false;
        }
        marks.merge(partition, mark, Math::max);
        unwritten.add(written);
        if (unwritten.size() > 1) {
            return true; // the write already queued takes this one too
        }
        if (writer == null) {
            writer = Executors.newSingleThreadExecutor(r -> {
                Thread thread = new Thread(r, "keel-delivery-marks");
                thread.setDaemon(true);
                return thread;
            });
        }
        try {
            writer.execute(this::writeAhead);
            return true;
        } catch (RejectedExecutionException e) {
            unwritten.clear(); // closed: deliveries fall back to reserving synchronously
            return false;
        }
    }

    private void writeAhead() {
        List<Consumer<Boolean>> done;
        synchronized (this) {
            done = new ArrayList<>(unwritten);
            unwritten.clear();
        }
        boolean ok;
        try {
            persist();
            ok = true;
        } catch (IOException e) {
            LOG.warn("cannot write delivery marks ahead; deliveries will reserve them as they reach them", e);
            ok = false;
        }
        for (Consumer<Boolean> callback : done) {
            callback.accept(ok);
        }
    }

    /** Waits for background reservations to be written, and stops the background writer (shutdown). */
    public void close() throws InterruptedException {
        ExecutorService stopping;
        synchronized (this) {
            stopping = writer;
        }
        if (stopping != null) {
            stopping.shutdown();
            stopping.awaitTermination(30, TimeUnit.SECONDS);
        }
    }

    /** Sets a mark without writing (clean shutdown sets exact marks, then calls {@link #persist()}). */
    public synchronized void set(String subscription, int partition, long mark) {
        current.computeIfAbsent(subscription, k -> new HashMap<>()).put(partition, mark);
    }

    public void forget(String subscription) throws IOException {
        boolean known;
        synchronized (this) {
            known = current.remove(subscription) != null;
            atStartup.remove(subscription);
        }
        if (known) {
            persist();
        }
    }

    /**
     * Writes the marks as they are when the write begins. Writes are one at a time and each takes its snapshot in
     * turn, so the file never goes back to an older state and a caller returns with its own changes on disk.
     */
    public void persist() throws IOException {
        synchronized (fileLock) {
            List<String[]> records = new ArrayList<>();
            synchronized (this) {
                for (Map.Entry<String, Map<Integer, Long>> sub : current.entrySet()) {
                    for (Map.Entry<Integer, Long> partition : sub.getValue().entrySet()) {
                        records.add(new String[] {sub.getKey(), partition.getKey().toString(),
                                partition.getValue().toString()});
                    }
                }
            }
            file.write(records);
        }
    }
}
