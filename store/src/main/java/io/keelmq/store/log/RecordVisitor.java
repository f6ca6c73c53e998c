package io.keelmq.store.log;

import io.keelmq.store.StoredMessage;

/** Sees each valid record of a scan, in order. */
@FunctionalInterface
public interface RecordVisitor {
    void visit(StoredMessage record) throws java.io.IOException;
}
