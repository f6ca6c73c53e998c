package io.keelmq.store;

import java.nio.file.Path;

/**
 * Settings of the store, named as RocketMQ names them where the idea is the same.
 * Mutable while the store is being configured; {@link #validate()} is called by
 * {@link MessageStore#open} and rejects a bad value with a message naming the key.
 */
public final class StoreConfig {

    public static final int ONE_GIB = 1 << 30;
    public static final int FOUR_MIB = 4 << 20;

    private Path storePathRootDir = Path.of("keel-data");
    private int mappedFileSizeCommitLog = ONE_GIB;
    private FlushDiskType flushDiskType = FlushDiskType.SYNC_FLUSH;
    private boolean commitLogPrefill = true;
    private long syncFlushTimeout = 5_000;
    private long flushIntervalCommitLog = 500;
    private long flushIntervalConsumeQueue = 1_000;
    private int maxMessageSize = FOUR_MIB;
    private int consumeQueueEntriesPerFile = 300_000;
    private boolean messageIndexEnable = true;
    private int maxHashSlotNum = 1_000_000;
    private int maxIndexNum = 4_000_000;
    private long fileReservedTime = 72;
    private int deleteWhen = 4;
    private double diskMaxUsedSpaceRatio = 0.75;
    private double diskSpaceWarningLevelRatio = 0.90;
    private long cleanResourceInterval = 10_000;

    public Path storePathRootDir() { return storePathRootDir; }
    public StoreConfig storePathRootDir(Path dir) { this.storePathRootDir = dir; return this; }

    /** Size of one commit-log segment file in bytes (default 1 GiB). */
    public int mappedFileSizeCommitLog() { return mappedFileSizeCommitLog; }
    public StoreConfig mappedFileSizeCommitLog(int bytes) { this.mappedFileSizeCommitLog = bytes; return this; }

    public FlushDiskType flushDiskType() { return flushDiskType; }
    public StoreConfig flushDiskType(FlushDiskType type) { this.flushDiskType = type; return this; }

    /** Milliseconds an append waits for its group commit before answering FLUSH_DISK_TIMEOUT. */
    public long syncFlushTimeout() { return syncFlushTimeout; }
    public StoreConfig syncFlushTimeout(long millis) { this.syncFlushTimeout = millis; return this; }

    /** ASYNC_FLUSH: milliseconds between forces of the commit log. */
    public long flushIntervalCommitLog() { return flushIntervalCommitLog; }
    public StoreConfig flushIntervalCommitLog(long millis) { this.flushIntervalCommitLog = millis; return this; }

    /** Milliseconds between forces of consume queues and index followed by a checkpoint. */
    public long flushIntervalConsumeQueue() { return flushIntervalConsumeQueue; }
    public StoreConfig flushIntervalConsumeQueue(long millis) { this.flushIntervalConsumeQueue = millis; return this; }

    /** Largest body plus properties accepted, in bytes (default 4 MiB). */
    public int maxMessageSize() { return maxMessageSize; }
    public StoreConfig maxMessageSize(int bytes) { this.maxMessageSize = bytes; return this; }

    public int consumeQueueEntriesPerFile() { return consumeQueueEntriesPerFile; }
    public StoreConfig consumeQueueEntriesPerFile(int entries) { this.consumeQueueEntriesPerFile = entries; return this; }

    /** Write the active commit-log segment with zeros ahead of its records, so forces write data only. */
    public boolean commitLogPrefill() { return commitLogPrefill; }
    public StoreConfig commitLogPrefill(boolean prefill) { this.commitLogPrefill = prefill; return this; }
    public boolean messageIndexEnable() { return messageIndexEnable; }
    public StoreConfig messageIndexEnable(boolean enable) { this.messageIndexEnable = enable; return this; }

    public int maxHashSlotNum() { return maxHashSlotNum; }
    public StoreConfig maxHashSlotNum(int slots) { this.maxHashSlotNum = slots; return this; }

    public int maxIndexNum() { return maxIndexNum; }
    public StoreConfig maxIndexNum(int entries) { this.maxIndexNum = entries; return this; }

    /** Hours a commit-log segment is kept at least (default 72). */
    public long fileReservedTime() { return fileReservedTime; }
    public StoreConfig fileReservedTime(long hours) { this.fileReservedTime = hours; return this; }

    /** Hour of the day (0-23) when expired segments are deleted without disk pressure. */
    public int deleteWhen() { return deleteWhen; }
    public StoreConfig deleteWhen(int hour) { this.deleteWhen = hour; return this; }

    /** Above this used ratio, expired segments are deleted at once rather than at {@link #deleteWhen()}. */
    public double diskMaxUsedSpaceRatio() { return diskMaxUsedSpaceRatio; }
    public StoreConfig diskMaxUsedSpaceRatio(double ratio) { this.diskMaxUsedSpaceRatio = ratio; return this; }

    /** Above this used ratio, appends are refused with DISK_FULL. */
    public double diskSpaceWarningLevelRatio() { return diskSpaceWarningLevelRatio; }
    public StoreConfig diskSpaceWarningLevelRatio(double ratio) { this.diskSpaceWarningLevelRatio = ratio; return this; }

    /** Milliseconds between retention runs and disk-usage checks. */
    public long cleanResourceInterval() { return cleanResourceInterval; }
    public StoreConfig cleanResourceInterval(long millis) { this.cleanResourceInterval = millis; return this; }

    public Path commitLogDir() { return storePathRootDir.resolve("commitlog"); }
    public Path consumeQueueDir() { return storePathRootDir.resolve("consumequeue"); }
    public Path indexDir() { return storePathRootDir.resolve("index"); }
    public Path configDir() { return storePathRootDir.resolve("config"); }
    public Path quarantineDir() { return storePathRootDir.resolve("quarantine"); }
    public Path checkpointFile() { return storePathRootDir.resolve("checkpoint"); }
    public Path abortFile() { return storePathRootDir.resolve("abort"); }
    /** A replica's truncation under way: the offset it cuts at, so that a crash meanwhile is finished at the next open. */
    public Path truncateMarkerFile() { return storePathRootDir.resolve("truncate-to"); }

    /** Throws {@link IllegalArgumentException} naming the first bad setting. */
    public void validate() {
        require(storePathRootDir != null, "storePathRootDir", "must be set");
        require(flushDiskType != null, "flushDiskType", "must be SYNC_FLUSH or ASYNC_FLUSH");
        require(maxMessageSize > 0, "maxMessageSize", "must be positive, was " + maxMessageSize);
        long largestRecord = (long) maxMessageSize + RecordLimits.MAX_OVERHEAD;
        require(mappedFileSizeCommitLog >= largestRecord + RecordLimits.BLANK_SIZE, "mappedFileSizeCommitLog",
                "must hold the largest record (maxMessageSize " + maxMessageSize + " + "
                        + RecordLimits.MAX_OVERHEAD + " header bytes), was " + mappedFileSizeCommitLog);
        require(syncFlushTimeout > 0, "syncFlushTimeout", "must be positive, was " + syncFlushTimeout);
        require(flushIntervalCommitLog > 0, "flushIntervalCommitLog", "must be positive, was " + flushIntervalCommitLog);
        require(flushIntervalConsumeQueue > 0, "flushIntervalConsumeQueue",
                "must be positive, was " + flushIntervalConsumeQueue);
        require(consumeQueueEntriesPerFile > 0, "consumeQueueEntriesPerFile",
                "must be positive, was " + consumeQueueEntriesPerFile);
        require(maxHashSlotNum > 0, "maxHashSlotNum", "must be positive, was " + maxHashSlotNum);
        require(maxIndexNum > 0, "maxIndexNum", "must be positive, was " + maxIndexNum);
        require(fileReservedTime >= 0, "fileReservedTime", "must not be negative, was " + fileReservedTime);
        require(deleteWhen >= 0 && deleteWhen <= 23, "deleteWhen", "must be an hour 0-23, was " + deleteWhen);
        require(diskMaxUsedSpaceRatio > 0 && diskMaxUsedSpaceRatio < 1, "diskMaxUsedSpaceRatio",
                "must be between 0 and 1, was " + diskMaxUsedSpaceRatio);
        require(diskSpaceWarningLevelRatio > 0 && diskSpaceWarningLevelRatio <= 1, "diskSpaceWarningLevelRatio",
                "must be between 0 and 1, was " + diskSpaceWarningLevelRatio);
        require(cleanResourceInterval > 0, "cleanResourceInterval", "must be positive, was " + cleanResourceInterval);
    }

    private static void require(boolean ok, String key, String problem) {
        if (!ok) {
            throw new IllegalArgumentException(key + " " + problem);
        }
    }
}
