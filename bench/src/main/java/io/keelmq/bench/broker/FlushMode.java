package io.keelmq.bench.broker;

/**
 * How durable a persistent send is, the same on both brokers: {@code SYNC} answers only after the message
 * is forced to disk (KeelMQ SYNC_FLUSH; Artemis journal-sync-non-transactional and -transactional true),
 * {@code ASYNC} answers once it is written and forces later (KeelMQ ASYNC_FLUSH; both Artemis syncs false).
 */
public enum FlushMode {
    SYNC("SYNC_FLUSH"),
    ASYNC("ASYNC_FLUSH");

    private final String keelFlushDiskType;

    FlushMode(String keelFlushDiskType) {
        this.keelFlushDiskType = keelFlushDiskType;
    }

    public String keelFlushDiskType() {
        return keelFlushDiskType;
    }
}
