package io.keelmq.store.tools;

import io.keelmq.store.AppendStatus;
import io.keelmq.store.FlushDiskType;
import io.keelmq.store.MessageRecord;
import io.keelmq.store.MessageStore;
import io.keelmq.store.StoreConfig;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import java.util.stream.Stream;

/**
 * Appends 1 KiB records with 1, 8 and 64 appenders under SYNC_FLUSH and ASYNC_FLUSH and,
 * in the same run and directory, measures the disk's raw {@code force()} rate and its
 * fsync'd sequential bandwidth, so every figure can be read against the disk's limit.
 * Figures are printed, never asserted: the machines are shared and noisy.
 *
 * <pre>java -cp ... io.keelmq.store.tools.StoreBenchmark [--dir DIR] [--seconds N] [--size BYTES]
 *     [--appenders 1,8,64] [--flush sync|async|both]</pre>
 */
public final class StoreBenchmark {

    private record Run(FlushDiskType type, int appenders, long records, double seconds, long forces, int size) {
        double recordsPerSecond() {
            return records / seconds;
        }

        double megabytesPerSecond() {
            return records * (double) size / seconds / (1 << 20);
        }
    }

    private StoreBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        Path dir = Path.of("keel-bench-data");
        int seconds = 5;
        int size = 1024;
        List<Integer> appenderCounts = List.of(1, 8, 64);
        List<FlushDiskType> flushTypes = List.of(FlushDiskType.values());
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--dir" -> dir = Path.of(args[++i]);
                case "--seconds" -> seconds = Integer.parseInt(args[++i]);
                case "--size" -> size = Integer.parseInt(args[++i]);
                case "--appenders" -> appenderCounts = Stream.of(args[++i].split(",")).map(Integer::valueOf).toList();
                case "--flush" -> flushTypes = switch (args[++i]) {
                    case "sync" -> List.of(FlushDiskType.SYNC_FLUSH);
                    case "async" -> List.of(FlushDiskType.ASYNC_FLUSH);
                    default -> List.of(FlushDiskType.values());
                };
                case "--help" -> {
                    System.out.println("StoreBenchmark [--dir DIR] [--seconds N] [--size BYTES] [--appenders 1,8,64]"
                            + " [--flush sync|async|both]");
                    return;
                }
                default -> throw new IllegalArgumentException("unknown option " + args[i] + " (try --help)");
            }
        }
        Files.createDirectories(dir);
        System.out.printf("KeelMQ store benchmark: %d-byte records, %d s per run, directory %s%n", size, seconds,
                dir.toAbsolutePath());
        double forcesPerSecond = rawForceRate(dir, seconds);
        double fsyncedMegabytes = fsyncedBandwidth(dir, seconds);
        System.out.printf("disk: raw force() rate %.0f/s (1 KiB write + force), fsync'd sequential bandwidth %.1f MB/s (1 MiB writes)%n",
                forcesPerSecond, fsyncedMegabytes);

        List<Run> runs = new ArrayList<>();
        for (FlushDiskType type : flushTypes) {
            for (int appenders : appenderCounts) {
                Run run = appendRun(dir, type, appenders, seconds, size);
                runs.add(run);
                System.out.printf("%-11s %3d appenders: %,10.0f records/s %8.1f MB/s %8.1f records/force (%.0f%% of fsync'd bandwidth)%n",
                        type, appenders, run.recordsPerSecond(), run.megabytesPerSecond(),
                        run.forces == 0 ? 0.0 : (double) run.records / run.forces,
                        100 * run.megabytesPerSecond() / fsyncedMegabytes);
            }
        }
        report(runs, fsyncedMegabytes);
    }

    private static void report(List<Run> runs, double fsyncedMegabytes) {
        Run syncOne = find(runs, FlushDiskType.SYNC_FLUSH, 1);
        Run syncMany = runs.stream().filter(r -> r.type == FlushDiskType.SYNC_FLUSH)
                .max(Comparator.comparingInt(Run::appenders)).orElse(null);
        Run asyncOne = find(runs, FlushDiskType.ASYNC_FLUSH, 1);
        System.out.println("targets:");
        if (syncOne != null && syncMany != null && syncMany != syncOne) {
            double scale = syncMany.recordsPerSecond() / syncOne.recordsPerSecond();
            System.out.printf("  SYNC_FLUSH %d appenders / 1 appender = %.1fx (target >= 20x: %s)%n",
                    syncMany.appenders, scale, scale >= 20 ? "met" : "NOT met");
            double share = syncMany.megabytesPerSecond() / fsyncedMegabytes;
            System.out.printf("  SYNC_FLUSH %d appenders = %.0f%% of fsync'd bandwidth (target >= 50%%: %s)%n",
                    syncMany.appenders, 100 * share, share >= 0.5 ? "met" : "NOT met");
        }
        if (asyncOne != null) {
            System.out.printf("  ASYNC_FLUSH 1 appender = %,.0f appends/s (target >= 200,000: %s)%n",
                    asyncOne.recordsPerSecond(), asyncOne.recordsPerSecond() >= 200_000 ? "met" : "NOT met");
        }
    }

    private static Run find(List<Run> runs, FlushDiskType type, int appenders) {
        return runs.stream().filter(r -> r.type == type && r.appenders == appenders).findFirst().orElse(null);
    }

    private static double rawForceRate(Path dir, int seconds) throws IOException {
        Path file = dir.resolve("force-rate.tmp");
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            ByteBuffer record = ByteBuffer.allocateDirect(1024);
            long forces = 0;
            long position = 0;
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
            long start = System.nanoTime();
            while (System.nanoTime() < end) {
                record.clear();
                position += channel.write(record, position);
                channel.force(false);
                forces++;
            }
            return forces / ((System.nanoTime() - start) / 1e9);
        } finally {
            Files.deleteIfExists(file);
        }
    }

    private static double fsyncedBandwidth(Path dir, int seconds) throws IOException {
        Path file = dir.resolve("bandwidth.tmp");
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            ByteBuffer chunk = ByteBuffer.allocateDirect(1 << 20);
            long bytes = 0;
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
            long start = System.nanoTime();
            while (System.nanoTime() < end) {
                chunk.clear();
                bytes += channel.write(chunk, bytes);
                channel.force(false);
            }
            return bytes / ((System.nanoTime() - start) / 1e9) / (1 << 20);
        } finally {
            Files.deleteIfExists(file);
        }
    }

    private static Run appendRun(Path dir, FlushDiskType type, int appenders, int seconds, int size) throws Exception {
        Path storeDir = dir.resolve("store-" + type + "-" + appenders);
        deleteRecursively(storeDir);
        StoreConfig config = new StoreConfig().storePathRootDir(storeDir).flushDiskType(type)
                .mappedFileSizeCommitLog(256 << 20);
        LongAdder appended = new LongAdder();
        LongAdder failed = new LongAdder();
        AtomicBoolean stop = new AtomicBoolean();
        byte[] body = new byte[size];
        long forces;
        double elapsed;
        try (MessageStore store = MessageStore.open(config)) {
            CountDownLatch done = new CountDownLatch(appenders);
            long start = System.nanoTime();
            for (int t = 0; t < appenders; t++) {
                int partition = t % 4;
                Thread thread = new Thread(() -> {
                    MessageRecord record = MessageRecord.builder("bench").partition(partition).body(body).build();
                    while (!stop.get()) {
                        if (store.append(record).status() == AppendStatus.PUT_OK) {
                            appended.increment();
                        } else {
                            failed.increment();
                        }
                    }
                    done.countDown();
                });
                thread.start();
            }
            Thread.sleep(TimeUnit.SECONDS.toMillis(seconds));
            stop.set(true);
            done.await();
            elapsed = (System.nanoTime() - start) / 1e9;
            forces = store.commitLogForces();
        }
        deleteRecursively(storeDir);
        if (failed.sum() > 0) {
            System.out.printf("  (%d appends did not answer PUT_OK)%n", failed.sum());
        }
        return new Run(type, appenders, appended.sum(), elapsed, forces, size);
    }

    private static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        }
    }
}
