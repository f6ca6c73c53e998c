package io.keelmq.store.crash;

import io.keelmq.store.AppendResult;
import io.keelmq.store.AppendStatus;
import io.keelmq.store.MessageStore;
import io.keelmq.store.StoreConfig;
import io.keelmq.store.testing.Records;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The child process of {@link SigkillCrashTest}: appends under SYNC_FLUSH from several
 * threads and prints {@code ACK name offset} for every record the store acknowledged,
 * until it is killed.
 */
public final class CrashAppender {
    private CrashAppender() {
    }

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        int threads = Integer.parseInt(args[1]);
        StoreConfig config = Records.smallStore(dir).mappedFileSizeCommitLog(1 << 20);
        MessageStore store = MessageStore.open(config);
        PrintStream out = new PrintStream(new java.io.FileOutputStream(java.io.FileDescriptor.out), true);
        out.println("READY");
        AtomicLong sequence = new AtomicLong();
        for (int t = 0; t < threads; t++) {
            Thread appender = new Thread(() -> {
                while (true) {
                    String name = "m" + sequence.incrementAndGet();
                    AppendResult result = store.append(Records.record("crash", (int) (sequence.get() % 4), name,
                            200 + (int) (sequence.get() % 1800)));
                    if (result.status() == AppendStatus.PUT_OK) {
                        synchronized (out) {
                            out.println("ACK " + name + " " + result.physicalOffset());
                        }
                    }
                }
            });
            appender.start();
        }
        Thread.sleep(Long.MAX_VALUE);
    }
}
