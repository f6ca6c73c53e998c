package io.keelmq.jms.provider;

import javax.transaction.xa.Xid;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Map;

/**
 * An Xid as KeelMQ carries it (headers {@code formatId}, {@code gtrid}, {@code bqual} in hex): a value copy of the
 * transaction manager's Xid, with equals and hashCode over its three parts, as XAResource.recover returns it.
 */
public final class XaBranchId implements Xid {
    private static final HexFormat HEX = HexFormat.of();

    private final int formatId;
    private final byte[] gtrid;
    private final byte[] bqual;

    public XaBranchId(int formatId, byte[] gtrid, byte[] bqual) {
        this.formatId = formatId;
        this.gtrid = gtrid.clone();
        this.bqual = bqual.clone();
    }

    public static XaBranchId of(Xid xid) {
        return xid instanceof XaBranchId own ? own
                : new XaBranchId(xid.getFormatId(), xid.getGlobalTransactionId(), xid.getBranchQualifier());
    }

    /** {@code FORMATID:GTRID_HEX:BQUAL_HEX}, as XA_RECOVER answers and {@link #toString()} writes. */
    public static XaBranchId parse(String text) {
        String[] parts = text.strip().split(":", -1);
        if (parts.length != 3) {
            throw new IllegalArgumentException("an Xid is FORMATID:GTRID_HEX:BQUAL_HEX, not " + text);
        }
        return new XaBranchId(Integer.parseInt(parts[0]), HEX.parseHex(parts[1]), HEX.parseHex(parts[2]));
    }

    Map<String, String> headers() {
        return Headers.of("formatId", Integer.toString(formatId), "gtrid", HEX.formatHex(gtrid),
                "bqual", HEX.formatHex(bqual));
    }

    @Override
    public int getFormatId() {
        return formatId;
    }

    @Override
    public byte[] getGlobalTransactionId() {
        return gtrid.clone();
    }

    @Override
    public byte[] getBranchQualifier() {
        return bqual.clone();
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof XaBranchId that && formatId == that.formatId && Arrays.equals(gtrid, that.gtrid)
                && Arrays.equals(bqual, that.bqual);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * formatId + Arrays.hashCode(gtrid)) + Arrays.hashCode(bqual);
    }

    @Override
    public String toString() {
        return formatId + ":" + HEX.formatHex(gtrid) + ":" + HEX.formatHex(bqual);
    }
}
