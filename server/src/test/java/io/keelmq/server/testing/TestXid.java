package io.keelmq.server.testing;

import javax.transaction.xa.Xid;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.concurrent.atomic.AtomicInteger;

/** A transaction manager's Xid in tests: not KeelMQ's class, as in real use. */
public record TestXid(int formatId, byte[] gtrid, byte[] bqual) implements Xid {
    private static final AtomicInteger NEXT = new AtomicInteger();

    public static TestXid next() {
        int n = NEXT.incrementAndGet();
        return new TestXid(4242, ("gtrid-" + n + "-" + System.nanoTime()).getBytes(StandardCharsets.UTF_8),
                ("b" + n).getBytes(StandardCharsets.UTF_8));
    }

    /** As keel-admin and XA_RECOVER write it: {@code FORMATID:GTRID_HEX:BQUAL_HEX}. */
    public String text() {
        return formatId + ":" + HexFormat.of().formatHex(gtrid) + ":" + HexFormat.of().formatHex(bqual);
    }

    @Override
    public int getFormatId() {
        return formatId;
    }

    @Override
    public byte[] getGlobalTransactionId() {
        return gtrid;
    }

    @Override
    public byte[] getBranchQualifier() {
        return bqual;
    }
}
