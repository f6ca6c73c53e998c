package io.keelmq.store.log;

import io.keelmq.store.AppendResult;
import io.keelmq.store.AppendStatus;
import io.keelmq.store.MessageStore;
import io.keelmq.store.StoreConfig;
import io.keelmq.store.StoredMessage;
import io.keelmq.store.recovery.RecoveryReport;
import io.keelmq.store.testing.MutableClock;
import io.keelmq.store.testing.Records;
import io.keelmq.store.testing.SimulatedFileLayer;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The active segment is written with zeros, and forced, ahead of its records ({@link SegmentPrefiller}), so a
 * group commit's force writes data only; recovery takes the zeros for "never written".
 */
class SegmentPrefillTest {
    private static final int SEGMENT = 4 << 20;
    private final Path dir = Path.of("/sim/prefill");
    private final MutableClock clock = new MutableClock(1_700_000_000_000L);

    private StoreConfig config() {
        return Records.smallStore(dir).mappedFileSizeCommitLog(SEGMENT);
    }

    private Path segment(long offset) {
        return dir.resolve("commitlog").resolve(String.format("%020d", offset - offset % SEGMENT));
    }

    private static long endOf(AppendResult result) {
        return result.physicalOffset() + result.records().get(0).size();
    }

    private static void await(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean()) {
            assertTrue(System.nanoTime() < deadline, "timed out waiting until " + what);
            Thread.sleep(5);
        }
    }

    @Test
    void zerosAreForcedAheadOfTheRecordsAndRecordsAreWrittenOverThem() throws Exception {
        SimulatedFileLayer layer = new SimulatedFileLayer(clock::millis);
        List<AppendResult> results = new ArrayList<>();
        try (MessageStore store = MessageStore.open(config(), layer, clock)) {
            AppendResult first = store.append(Records.record("q", 0, "m0", 1_000));
            results.add(first);
            long end = endOf(first);
            await(() -> layer.isDurable(segment(end), end, end + CommitLog.PREFILL_AHEAD),
                    "a window of " + CommitLog.PREFILL_AHEAD + " bytes past the first record is on disk");
            assertTrue(layer.isDurable(segment(end), end, new byte[CommitLog.PREFILL_AHEAD]),
                    "the window holds zeros");

            // 2.5 MiB more: the window has to move on twice, and the records land on the zeros.
            for (int i = 1; i <= 2_500; i++) {
                AppendResult result = store.append(Records.record("q", 0, "m" + i, 1_000));
                assertEquals(AppendStatus.PUT_OK, result.status());
                results.add(result);
            }
            long last = endOf(results.get(results.size() - 1));
            assertTrue(last > 2 * CommitLog.PREFILL_AHEAD && last + CommitLog.PREFILL_AHEAD < SEGMENT, "still one segment");
            await(() -> layer.isDurable(segment(last), last, last + CommitLog.PREFILL_AHEAD / 2),
                    "the window moved on with the records");
            for (int i = 0; i < results.size(); i += 97) {
                StoredMessage message = store.read(results.get(i).physicalOffset());
                assertEquals("m" + i, Records.nameOf(message.body()));
            }
        }
    }

    @Test
    void afterAPowerLossTheZeroTailIsDroppedWithoutAProblemOrAQuarantine() throws Exception {
        SimulatedFileLayer layer = new SimulatedFileLayer(clock::millis);
        MessageStore store = MessageStore.open(config(), layer, clock);
        List<AppendResult> results = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            results.add(store.append(Records.record("q", 0, "m" + i, 300)));
        }
        long end = endOf(results.get(49));
        await(() -> layer.isDurable(segment(end), end, end + CommitLog.PREFILL_AHEAD / 2), "zeros past the records are on disk");

        SimulatedFileLayer afterPowerLoss = layer.powerLoss();
        assertThrows(IOException.class, store::close);
        try (MessageStore recovered = MessageStore.open(config(), afterPowerLoss, clock)) {
            RecoveryReport report = recovered.recoveryReport();
            assertEquals(end, report.logEnd(), report.toString());
            assertNull(report.problem(), "zeros are not a torn tail: " + report);
            assertEquals(0, report.discardedBytes());
            assertTrue(afterPowerLoss.list(config().quarantineDir()).isEmpty(), "nothing quarantined");
            assertEquals("m49", Records.nameOf(recovered.read(results.get(49).physicalOffset()).body()));
            AppendResult next = recovered.append(Records.record("q", 0, "next", 300));
            assertEquals(end, next.physicalOffset(), "the log goes on where the records ended");
            assertEquals(50, next.queueOffset());
        }
    }
}
