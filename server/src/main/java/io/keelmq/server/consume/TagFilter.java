package io.keelmq.server.consume;

import io.keelmq.protocol.selector.Selector;
import io.keelmq.server.message.StoredForm;
import io.keelmq.store.MessageRecord;

import java.util.Set;
import java.util.stream.Collectors;

/**
 * RocketMQ's tag filtering: what a selector requires of {@value StoredForm#TAG}, as the set of tag hashes the consume
 * queue stores, so that a message whose entry has another hash is passed over without reading it from the commit log.
 * It applies when the selector is {@code JMS_Keel_Tag = 'A'} or {@code JMS_Keel_Tag IN ('A', 'B')}, alone or ANDed
 * with anything ({@link Selector#requiredValuesOf}). A hash in the set proves nothing (hashes collide, and the rest of
 * the selector still has to hold): such messages are read and the whole selector is evaluated as for any other.
 */
final class TagFilter {
    /** No constraint on the tag: every message must be read. */
    static final TagFilter NONE = new TagFilter(null);

    /** Null: no constraint. */
    private final Set<Long> hashes;

    private TagFilter(Set<Long> hashes) {
        this.hashes = hashes;
    }

    static TagFilter of(Selector selector) {
        return selector.requiredValuesOf(StoredForm.TAG)
                .map(tags -> new TagFilter(tags.stream().map(MessageRecord::tagHash).collect(Collectors.toUnmodifiableSet())))
                .orElse(NONE);
    }

    /** Whether a message with this consume-queue tag hash certainly does not match the selector. */
    boolean rejects(long tagHash) {
        return hashes != null && !hashes.contains(tagHash);
    }

    @Override
    public String toString() {
        return hashes == null ? "no tag filter" : "tag hashes " + hashes;
    }
}
