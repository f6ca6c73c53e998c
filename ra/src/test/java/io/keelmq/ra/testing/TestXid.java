package io.keelmq.ra.testing;

import javax.transaction.xa.Xid;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/** A transaction manager's Xid for tests that drive XAResources by hand. */
public record TestXid(int getFormatId, byte[] getGlobalTransactionId, byte[] getBranchQualifier) implements Xid {

    public static TestXid of(String global) {
        return new TestXid(0x4B45454C, global.getBytes(StandardCharsets.UTF_8),
                "branch-1".getBytes(StandardCharsets.UTF_8));
    }

    /** The same branch, whatever Xid class the resource returned it as. */
    public boolean matches(Xid other) {
        return other.getFormatId() == getFormatId
                && Arrays.equals(other.getGlobalTransactionId(), getGlobalTransactionId)
                && Arrays.equals(other.getBranchQualifier(), getBranchQualifier);
    }

    public boolean in(Xid[] found) {
        return Arrays.stream(found).anyMatch(this::matches);
    }
}
