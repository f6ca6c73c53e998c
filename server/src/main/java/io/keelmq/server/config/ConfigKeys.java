package io.keelmq.server.config;

import io.keelmq.protocol.frame.FrameLimits;
import io.keelmq.store.FlushDiskType;
import io.keelmq.store.StoreConfig;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

/**
 * The table of every broker setting. Names and defaults are RocketMQ's where the idea is
 * the same (see ARCHITECTURE.md, "Public names"); store settings are those of
 * {@link StoreConfig}. One line per key: the order here is the order of {@code --help}.
 *
 * <p>The bind address is {@code listenAddress}, not RocketMQ's {@code brokerIP1}: in
 * RocketMQ {@code brokerIP1} is the address announced to the name server while the
 * broker binds every interface; KeelMQ has no name server and binds exactly one address.
 */
public final class ConfigKeys {
    private static final Map<String, ConfigKey<?>> BY_NAME = new LinkedHashMap<>();

    // ------------------------------------------------------------------ network
    public static final ConfigKey<Integer> LISTEN_PORT = add(integer("listenPort", 10911, range(-1, 65535),
            "TCP port for clients; 0 picks a free port, -1 opens none (in-VM only)"));
    public static final ConfigKey<String> LISTEN_ADDRESS = add(string("listenAddress", "127.0.0.1",
            "address the TCP listener binds (0.0.0.0 for every interface)"));
    // A send is appended on its I/O thread (see Connection#receivedOnIoThread): fewer I/O threads than cores means
    // one epoll wake-up reads many connections' requests and one wake-up writes a whole group commit's answers,
    // and appenders seldom fight over the commit-log lock. On the 2-core bench machine 1 did better than 2 or 3.
    public static final ConfigKey<Integer> SERVER_SELECTOR_THREADS = add(integer("serverSelectorThreads",
            Math.max(1, Math.min(3, Runtime.getRuntime().availableProcessors() / 2)), range(1, 256),
            "Netty I/O threads (default: half the cores, 1 to 3)"));
    public static final ConfigKey<Integer> SERVER_WORKER_THREADS = add(integer("serverWorkerThreads", 8,
            range(1, 1024), "threads running requests (pulls, acks, consumer set-up) off the I/O threads"));
    public static final ConfigKey<Long> HANDSHAKE_TIMEOUT_MILLIS = add(longKey("handshakeTimeoutMillis", 10_000L,
            positive(), "ms a new connection has to send its HANDSHAKE"));
    public static final ConfigKey<Long> HEARTBEAT_INTERVAL_MILLIS = add(longKey("heartbeatIntervalMillis", 30_000L,
            positive(), "heartbeat interval agreed when the client proposes none"));
    public static final ConfigKey<Long> MIN_HEARTBEAT_INTERVAL_MILLIS = add(longKey("minHeartbeatIntervalMillis",
            1_000L, positive(), "smallest heartbeat interval a client may propose"));
    public static final ConfigKey<Long> MAX_HEARTBEAT_INTERVAL_MILLIS = add(longKey("maxHeartbeatIntervalMillis",
            300_000L, positive(), "largest heartbeat interval a client may propose"));

    // ------------------------------------------------------------------ security
    public static final ConfigKey<Boolean> AUTHENTICATION_ENABLED = add(bool("authenticationEnabled", false,
            "require a user and password at HANDSHAKE, checked against usersFile; false lets any client connect"));
    public static final ConfigKey<Path> USERS_FILE = add(new ConfigKey<>("usersFile", "a path",
            ConfigKeys::parsePath, null, null,
            "users file (bin/keel-admin user ...), required when authenticationEnabled; re-read when it changes"));
    public static final ConfigKey<Path> AUTHORIZATION_FILE = add(new ConfigKey<>("authorizationFile", "a path",
            ConfigKeys::parsePath, null, null, "per-destination permissions by role (grant/deny lines, see "
            + "server/README.md); applies when authenticationEnabled; unset = every user may do everything; "
            + "re-read when it changes"));
    public static final ConfigKey<Boolean> POPULATE_JMSX_USER_ID = add(bool("populateJMSXUserID", false,
            "set JMSXUserID on every message sent to the authenticated user, replacing what the client set"));

    // ------------------------------------------------------------------ limits on what one client may ask
    // Each breach closes only the offending connection with LIMIT_EXCEEDED (or the framing code) naming the limit.
    public static final ConfigKey<Integer> MAX_HEADER_COUNT = add(integer("maxHeaderCount",
            FrameLimits.DEFAULT_MAX_HEADER_COUNT, range(16, 65_535), "headers per frame (requests use at most 10)"));
    public static final ConfigKey<Integer> MAX_PROPERTY_COUNT = add(integer("maxPropertyCount", 1_000,
            range(0, Integer.MAX_VALUE), "properties per message"));
    public static final ConfigKey<Integer> MAX_PROPERTIES_SIZE = add(integer("maxPropertiesSize", 64 * 1024,
            range(0, Integer.MAX_VALUE), "bytes of the encoded properties (names and values) of one message"));
    public static final ConfigKey<Integer> MAX_CONNECTIONS_PER_ADDRESS = add(integer("maxConnectionsPerAddress",
            1_000, range(1, Integer.MAX_VALUE), "open TCP connections from one remote IP address"));
    public static final ConfigKey<Integer> MAX_CONSUMERS_PER_SESSION = add(integer("maxConsumersPerSession", 1_000,
            range(1, Integer.MAX_VALUE), "open consumers in one session"));

    // ------------------------------------------------------------------ TLS
    public static final ConfigKey<Boolean> TLS_ENABLED = add(bool("tlsEnabled", false,
            "open a TLS listener (clients use keel+ssl://) on tlsPort beside the plain one"));
    public static final ConfigKey<Integer> TLS_PORT = add(integer("tlsPort", 10913, range(0, 65535),
            "TCP port of the TLS listener; 0 picks a free port"));
    public static final ConfigKey<Path> TLS_KEY_STORE = add(new ConfigKey<>("tlsKeyStore", "a path",
            ConfigKeys::parsePath, null, null,
            "key store with the broker's private key and certificate chain, required when tlsEnabled"));
    public static final ConfigKey<String> TLS_KEY_STORE_PASSWORD = add(secret("tlsKeyStorePassword",
            "password of tlsKeyStore and of its key"));
    public static final ConfigKey<String> TLS_KEY_STORE_TYPE = add(string("tlsKeyStoreType", "PKCS12",
            "type of tlsKeyStore (PKCS12 or JKS)"));
    public static final ConfigKey<Path> TLS_TRUST_STORE = add(new ConfigKey<>("tlsTrustStore", "a path",
            ConfigKeys::parsePath, null, null,
            "trust store with the CAs of accepted client certificates, required unless tlsClientAuth=NONE"));
    public static final ConfigKey<String> TLS_TRUST_STORE_PASSWORD = add(secret("tlsTrustStorePassword",
            "password of tlsTrustStore"));
    public static final ConfigKey<String> TLS_TRUST_STORE_TYPE = add(string("tlsTrustStoreType", "PKCS12",
            "type of tlsTrustStore (PKCS12 or JKS)"));
    public static final ConfigKey<TlsClientAuth> TLS_CLIENT_AUTH = add(enumKey("tlsClientAuth", TlsClientAuth.class,
            TlsClientAuth.NONE, "NONE | OPTIONAL | REQUIRE: whether TLS clients must present a trusted certificate"));
    public static final ConfigKey<List<String>> TLS_PROTOCOLS = add(new ConfigKey<>("tlsProtocols",
            "a comma-separated list", ConfigKeys::parseList, List.of("TLSv1.3", "TLSv1.2"), null,
            "TLS protocol versions the listener accepts"));
    public static final ConfigKey<List<String>> TLS_CIPHER_SUITES = add(new ConfigKey<>("tlsCipherSuites",
            "a comma-separated list", ConfigKeys::parseList, null, null,
            "cipher suites the listener accepts (empty: the JDK's defaults)"));

    // ------------------------------------------------------------------ broker
    public static final ConfigKey<BrokerRole> BROKER_ROLE = add(enumKey("brokerRole", BrokerRole.class,
            BrokerRole.ASYNC_MASTER, "ASYNC_MASTER | SYNC_MASTER | SLAVE: a SYNC_MASTER answers SEND_OK only once its in-sync "
            + "slaves have the message; a SLAVE copies its master's commit log (haMasterAddress) and takes no sends"));
    // Replication (RocketMQ's names where the idea is the same; see server/README.md, "Replication").
    public static final ConfigKey<Integer> HA_LISTEN_PORT = add(integer("haListenPort", -1, range(-1, 65535),
            "TCP port where a master's slaves connect; -1: listenPort + 1 (0 when listenPort is 0: a free port); "
            + "opened by a SYNC_MASTER always, by an ASYNC_MASTER only when set"));
    public static final ConfigKey<String> HA_MASTER_ADDRESS = add(new ConfigKey<>("haMasterAddress", "host:port",
            text -> text, null, null, "SLAVE: host:port of its master's haListenPort"));
    public static final ConfigKey<Integer> MIN_IN_SYNC_REPLICAS = add(integer("minInSyncReplicas", 1,
            range(1, 64), "brokers of the group in sync (master included) a master needs to take a send; fewer: the "
            + "send is refused with IN_SYNC_REPLICAS_NOT_ENOUGH before anything is stored"));
    public static final ConfigKey<Long> HA_MAX_GAP_NOT_IN_SYNC = add(longKey("haMaxGapNotInSync", 256L * 1024 * 1024,
            positive(), "bytes a slave may lag behind its master's commit log and still count as in sync"));
    public static final ConfigKey<Long> HA_HOUSEKEEPING_INTERVAL = add(longKey("haHousekeepingInterval", 20_000L,
            positive(), "ms a master waits for a word from a slave before it counts it out of sync"));
    public static final ConfigKey<Long> HA_SEND_HEARTBEAT_INTERVAL = add(longKey("haSendHeartbeatInterval", 5_000L,
            positive(), "ms between a slave's acknowledgements when it has received nothing new"));
    // Automatic failover: the controller (RocketMQ 5's controller mode; see server/README.md, "Automatic failover").
    public static final ConfigKey<String> BROKER_CLUSTER_NAME = add(string("brokerClusterName", "DefaultCluster",
            "the cluster: one controller (Raft group) serves every broker group of it"));
    public static final ConfigKey<String> BROKER_NAME = add(string("brokerName", "broker-a",
            "the broker group (one master and its slaves share it)"));
    public static final ConfigKey<String> BROKER_ID = add(new ConfigKey<>("brokerId", "a string", text -> text, "", null,
            "this broker within its group, unique there (empty: listenAddress:listenPort)"));
    public static final ConfigKey<Boolean> ENABLE_CONTROLLER_MODE = add(bool("enableControllerMode", false,
            "roles are decided by the controller (controllerAddr): the broker registers, heartbeats, and is master or "
            + "slave as elected; brokerRole then says only SYNC_MASTER or ASYNC_MASTER behaviour when master"));
    public static final ConfigKey<List<String>> CONTROLLER_ADDR = add(new ConfigKey<>("controllerAddr",
            "host:port;host:port;...", ConfigKeys::parsePeers, List.of(), null,
            "the controller peers' Raft addresses, in the same order everywhere (peer i is n<i>)"));
    public static final ConfigKey<Boolean> ENABLE_CONTROLLER_IN_BROKER = add(bool("enableControllerInBroker", false,
            "run a controller peer inside this broker (controllerSelfId names which of controllerAddr)"));
    public static final ConfigKey<String> CONTROLLER_SELF_ID = add(new ConfigKey<>("controllerSelfId", "n0, n1, ...", text -> text, "", null,
            "this controller peer: n0, n1, ... (its place in controllerAddr)"));
    public static final ConfigKey<Path> CONTROLLER_STORE_PATH = add(new ConfigKey<>("controllerStorePath", "a path",
            Path::of, null, null, "the controller peer's Raft log (default: storePathRootDir/controller)"));
    public static final ConfigKey<Boolean> ENABLE_ELECT_UNCLEAN_MASTER = add(bool("enableElectUncleanMaster", false,
            "controller: when no member of the in-sync set is alive, elect another member (may lose SEND_OK "
            + "messages); false: the group waits for an in-sync member"));
    public static final ConfigKey<Long> CONTROLLER_HEART_BEAT_TIMEOUT_MILLS = add(longKey(
            "controllerHeartBeatTimeoutMills", 10_000L, positive(), "ms of silence after which the controller counts a "
            + "broker dead (and elects another master); a master stops taking sends half this long after its last "
            + "heartbeat the controller answered (its lease)"));
    public static final ConfigKey<String> HA_ADVERTISED_ADDRESS = add(new ConfigKey<>("haAdvertisedAddress",
            "host:port", text -> text, null, null, "controller mode: where slaves are told to reach this broker's "
            + "haListenPort when that differs from the bound address (NAT, a proxy); default: the bound address"));
    public static final ConfigKey<Long> BROKER_HEARTBEAT_INTERVAL = add(longKey("brokerHeartbeatInterval", 1_000L,
            positive(), "ms between a broker's heartbeats to the controller"));
    public static final ConfigKey<Long> CONTROLLER_REQUEST_TIMEOUT_MILLIS = add(longKey(
            "controllerRequestTimeoutMillis", 20_000L, positive(), "ms keel-admin ha keeps trying the "
            + "controller's peers before it gives up: longer than a re-election of the controller's leader on a loaded "
            + "machine. (A broker's calls give up after controllerHeartBeatTimeoutMills/2, when an answer could renew "
            + "no lease; its next heartbeat tries again.)"));
    public static final ConfigKey<Long> SCAN_NOT_ACTIVE_BROKER_INTERVAL = add(longKey("scanNotActiveBrokerInterval",
            1_000L, positive(), "controller: ms between its leader's looks for dead masters"));
    public static final ConfigKey<Long> CONTROLLER_SNAPSHOT_THRESHOLD = add(longKey("controllerSnapshotThreshold",
            1_000L, positive(), "controller: a Raft snapshot every this many applied log entries; the log segments "
            + "it covers are then deleted, and a peer too far behind is sent the snapshot"));
    public static final ConfigKey<Integer> CONTROLLER_LOG_SEGMENT_SIZE = add(integer("controllerLogSegmentSize",
            64 * 1024, range(1_024, Integer.MAX_VALUE), "controller: bytes per Raft log segment (only closed "
            + "segments are deleted after a snapshot)"));
    public static final ConfigKey<Long> HA_STATE_SYNC_INTERVAL = add(longKey("haStateSyncInterval", 200L,
            positive(), "ms between a master's sends of its state outside the commit log (destinations, subscription "
            + "positions, durable subscriptions) to its slaves, when it changed; a durable subscription or "
            + "destination created or removed is sent at once, and so are the positions after each "
            + "acknowledgement"));
    public static final ConfigKey<Integer> DEFAULT_TOPIC_QUEUE_NUMS = add(integer("defaultTopicQueueNums", 4,
            range(1, 1024), "partitions of a new destination"));
    public static final ConfigKey<List<String>> SINGLE_PARTITION_DESTINATIONS = add(new ConfigKey<>(
            "singlePartitionDestinations", "a comma-separated list", ConfigKeys::parseList, List.of(), null,
            "queue and topic names created with one partition instead of defaultTopicQueueNums, so all their "
            + "messages keep one order (global FIFO); a trailing * matches a prefix; existing destinations keep theirs"));
    public static final ConfigKey<Boolean> AUTO_CREATE_TOPIC_ENABLE = add(bool("autoCreateTopicEnable", true,
            "create queues and topics on first use; if false, only CREATE_DESTINATION creates them"));
    public static final ConfigKey<Long> WAIT_TIME_MILLS_IN_SEND_QUEUE = add(longKey("waitTimeMillsInSendQueue",
            200L, positive(), "a send waiting longer than this ms between its arrival and its handling (queued behind "
            + "its connection's earlier requests) is answered BUSY"));
    public static final ConfigKey<Integer> SEND_THREAD_POOL_QUEUE_CAPACITY = add(integer(
            "sendThreadPoolQueueCapacity", 10_000, range(1, Integer.MAX_VALUE),
            "requests queued on one connection at most when a send arrives; beyond it the send is answered BUSY at once"));
    public static final ConfigKey<Integer> MAX_IN_FLIGHT_SENDS = add(integer("maxInFlightSends", 4_096,
            range(1, Integer.MAX_VALUE), "sends waiting for their flush at most; a send finding none free is answered "
            + "BUSY at once"));
    public static final ConfigKey<Long> SHUTDOWN_TIMEOUT_MILLIS = add(longKey("shutdownTimeoutMillis", 30_000L,
            positive(), "ms a shutdown (SIGTERM) may take; what has not finished by then (say, with a full disk) is "
            + "left to recovery at the next start, and the broker exits all the same"));
    public static final ConfigKey<Long> BROKER_SUSPEND_MAX_TIME_MILLIS = add(longKey("brokerSuspendMaxTimeMillis",
            15_000L, nonNegative(), "longest a PULL is held waiting for messages"));
    public static final ConfigKey<Long> SUSPEND_CURRENT_QUEUE_TIME_MILLIS = add(longKey(
            "suspendCurrentQueueTimeMillis", 1_000L, nonNegative(),
            "ms a message group (JMSXGroupID) pauses after a delivery of it failed, before that message is retried"));
    public static final ConfigKey<DelayLevels> MESSAGE_DELAY_LEVEL = add(new ConfigKey<>("messageDelayLevel",
            "durations like 1s 5m 2h", DelayLevels::parse, DelayLevels.parse(DelayLevels.DEFAULT_TEXT), null,
            "delay levels of JMS_Keel_DelayLevel"));
    public static final ConfigKey<Long> TIMER_PRECISION_MS = add(longKey("timerPrecisionMs", 1_000L, positive(),
            "length of one slot of the delay timer's wheel (ms); a delayed message is never delivered early"));
    public static final ConfigKey<Integer> TIMER_WHEEL_SLOTS = add(integer("timerWheelSlots", 172_800,
            range(2, 100_000_000), "slots of the delay timer's wheel (default: two days of 1 s slots); longer delays "
                    + "are rolled over, i.e. re-added when the window's last slot comes up"));
    // Transactional producers (RocketMQ's names and defaults, RocketMQ 5's check interval).
    public static final ConfigKey<Long> TRANSACTION_TIME_OUT = add(longKey("transactionTimeOut", 6_000L,
            nonNegative(), "ms an undecided half message of a transactional producer waits before the broker checks "
                    + "it back with its producer group (per message: JMS_Keel_CheckImmunitySeconds)"));
    public static final ConfigKey<Long> TRANSACTION_CHECK_INTERVAL = add(longKey("transactionCheckInterval", 30_000L,
            positive(), "ms between the broker's scans for undecided half messages to check back"));
    public static final ConfigKey<Integer> TRANSACTION_CHECK_MAX = add(integer("transactionCheckMax", 15,
            range(1, 10_000), "check-backs of one half message at most; then it is kept in system/tx-unresolved "
                    + "until keel-admin transaction commit|rollback decides it"));
    public static final ConfigKey<Integer> MAX_RECONSUME_TIMES = add(integer("maxReconsumeTimes", 16,
            range(0, 10_000), "redeliveries before a message goes to the dead-letter queue DLQ.<name>; "
                    + "per destination: maxReconsumeTimes.<destination>=N"));
    public static final ConfigKey<DelayLevels> REDELIVERY_DELAY_LEVELS = add(new ConfigKey<>("redeliveryDelayLevels",
            "durations like 10s 1m 2h", DelayLevels::parse, DelayLevels.parse(DelayLevels.REDELIVERY_DEFAULT_TEXT),
            null, "waits before the 2nd, 3rd, ... redelivery (the 1st is at once; the last level repeats); "
                    + "per destination: redeliveryDelayLevels.<destination>=..."));
    public static final ConfigKey<Integer> DELIVERY_MARK_CHUNK = add(integer("deliveryMarkChunk", 1_000,
            range(1, 1_000_000), "offsets the persisted 'delivered up to' mark advances by at a time"));

    // ------------------------------------------------------------------ store
    public static final ConfigKey<Path> STORE_PATH_ROOT_DIR = add(new ConfigKey<>("storePathRootDir", "a path",
            ConfigKeys::parsePath, Path.of("./keel-data"), null, "data directory"));
    public static final ConfigKey<FlushDiskType> FLUSH_DISK_TYPE = add(enumKey("flushDiskType", FlushDiskType.class,
            FlushDiskType.SYNC_FLUSH, "SYNC_FLUSH (group commit before answering) | ASYNC_FLUSH"));
    public static final ConfigKey<Long> SYNC_FLUSH_TIMEOUT = add(longKey("syncFlushTimeout", 5_000L, positive(),
            "ms a send waits for its flush before being answered FLUSH_DISK_TIMEOUT"));
    public static final ConfigKey<Long> FLUSH_INTERVAL_COMMIT_LOG = add(longKey("flushIntervalCommitLog", 500L,
            positive(), "ASYNC_FLUSH: ms between commit-log flushes"));
    public static final ConfigKey<Long> FLUSH_INTERVAL_CONSUME_QUEUE = add(longKey("flushIntervalConsumeQueue",
            1_000L, positive(), "ms between checkpoints (consume queues, index, positions)"));
    public static final ConfigKey<Integer> MAPPED_FILE_SIZE_COMMIT_LOG = add(integer("mappedFileSizeCommitLog",
            StoreConfig.ONE_GIB, range(4_096, Integer.MAX_VALUE), "bytes per commit-log segment"));
    public static final ConfigKey<Boolean> COMMIT_LOG_PREFILL = add(bool("commitLogPrefill", true,
            "write the active commit-log segment with zeros 1 MiB ahead of its records, so that each force "
                    + "writes data only, not the grown file's size (halves a force on ext4)"));
    public static final ConfigKey<Boolean> COMMIT_ON_IO_THREAD = add(bool("commitOnIoThread", true,
            "SYNC_FLUSH: a send read by a network I/O thread is forced by that thread once it has handled its "
                    + "read batch, which then writes the answers itself; false: the group-commit thread forces"));
    public static final ConfigKey<Integer> CONSUME_QUEUE_ENTRIES_PER_FILE = add(integer("consumeQueueEntriesPerFile",
            300_000, range(1, Integer.MAX_VALUE), "entries per consume-queue file"));
    public static final ConfigKey<Integer> MAX_MESSAGE_SIZE = add(integer("maxMessageSize", StoreConfig.FOUR_MIB,
            range(1, Integer.MAX_VALUE), "largest message (body + headers and properties) in bytes"));
    public static final ConfigKey<Boolean> MESSAGE_INDEX_ENABLE = add(bool("messageIndexEnable", true,
            "index message ids and keys (needed to drop duplicates of retried sends)"));
    public static final ConfigKey<Integer> MAX_HASH_SLOT_NUM = add(integer("maxHashSlotNum", 1_000_000,
            range(1, Integer.MAX_VALUE), "hash slots per index file"));
    public static final ConfigKey<Integer> MAX_INDEX_NUM = add(integer("maxIndexNum", 4_000_000,
            range(1, Integer.MAX_VALUE), "entries per index file"));
    public static final ConfigKey<Long> FILE_RESERVED_TIME = add(longKey("fileReservedTime", 72L, nonNegative(),
            "hours a commit-log segment is kept at least"));
    public static final ConfigKey<Integer> DELETE_WHEN = add(integer("deleteWhen", 4, range(0, 23),
            "hour of the day when expired segments are deleted"));
    public static final ConfigKey<Double> DISK_MAX_USED_SPACE_RATIO = add(ratio("diskMaxUsedSpaceRatio", 0.75,
            "above this used-disk ratio expired segments are deleted at once"));
    public static final ConfigKey<Double> DISK_SPACE_WARNING_LEVEL_RATIO = add(ratio("diskSpaceWarningLevelRatio",
            0.90, "above this used-disk ratio sends are refused (RESOURCE_EXHAUSTED)"));
    public static final ConfigKey<Long> CLEAN_RESOURCE_INTERVAL = add(longKey("cleanResourceInterval", 10_000L,
            positive(), "ms between retention runs and disk checks"));

    private ConfigKeys() {
    }

    /** Every key, in table order. */
    public static List<ConfigKey<?>> all() {
        return Collections.unmodifiableList(new ArrayList<>(BY_NAME.values()));
    }

    /** The key called {@code name}, or null. */
    /** Keys that may also be set for one destination as {@code <key>.<destination name>}. */
    public static boolean isPerDestination(ConfigKey<?> key) {
        return key == MAX_RECONSUME_TIMES || key == REDELIVERY_DELAY_LEVELS;
    }

    public static ConfigKey<?> find(String name) {
        return BY_NAME.get(name);
    }

    static String format(Object value) {
        if (value instanceof List<?> list) {
            return String.join(",", list.stream().map(String::valueOf).toList());
        }
        return value == null ? "" : value.toString();
    }

    /** Whether {@code key}'s value must not be printed (logs, toString). */
    static boolean isSecret(ConfigKey<?> key) {
        return key == TLS_KEY_STORE_PASSWORD || key == TLS_TRUST_STORE_PASSWORD;
    }

    private static <T> ConfigKey<T> add(ConfigKey<T> key) {
        if (BY_NAME.put(key.name(), key) != null) {
            throw new ExceptionInInitializerError("duplicate configuration key " + key.name());
        }
        return key;
    }

    // ------------------------------------------------------------------ key builders

    private static ConfigKey<Integer> integer(String name, int def, Function<Integer, String> check, String doc) {
        return new ConfigKey<>(name, "an integer", Integer::parseInt, def, check, doc);
    }

    private static ConfigKey<Long> longKey(String name, long def, Function<Long, String> check, String doc) {
        return new ConfigKey<>(name, "an integer", Long::parseLong, def, check, doc);
    }

    private static ConfigKey<String> string(String name, String def, String doc) {
        return new ConfigKey<>(name, "a string", text -> text, def,
                value -> value.isEmpty() ? "must not be empty" : null, doc);
    }

    /** A password: any text, empty included; no default. */
    private static ConfigKey<String> secret(String name, String doc) {
        return new ConfigKey<>(name, "a string", text -> text, null, null, doc);
    }

    private static ConfigKey<Boolean> bool(String name, boolean def, String doc) {
        return new ConfigKey<>(name, "true or false", ConfigKeys::parseBoolean, def, null, doc);
    }

    private static ConfigKey<Double> ratio(String name, double def, String doc) {
        return new ConfigKey<>(name, "a ratio between 0 and 1", Double::parseDouble, def,
                value -> value > 0 && value <= 1 ? null : "must be a ratio above 0 and at most 1", doc);
    }

    private static <E extends Enum<E>> ConfigKey<E> enumKey(String name, Class<E> type, E def, String doc) {
        StringBuilder names = new StringBuilder();
        for (E constant : type.getEnumConstants()) {
            names.append(names.length() == 0 ? "" : " or ").append(constant.name());
        }
        return new ConfigKey<>(name, names.toString(), text -> Enum.valueOf(type, text.toUpperCase(Locale.ROOT)),
                def, null, doc);
    }

    private static boolean parseBoolean(String text) {
        if (text.equalsIgnoreCase("true")) {
            return true;
        }
        if (text.equalsIgnoreCase("false")) {
            return false;
        }
        throw new IllegalArgumentException("not a boolean");
    }

    private static Path parsePath(String text) {
        if (text.isEmpty()) {
            throw new IllegalArgumentException("empty path");
        }
        return Path.of(text);
    }

    /** Comma-separated, blanks trimmed, empties dropped; an empty list means "not set" (null). */
    /** {@code host:port;host:port} (RocketMQ separates controller addresses with ';'; ',' is taken too). */
    private static List<String> parsePeers(String text) {
        List<String> peers = new ArrayList<>();
        for (String item : text.split("[;,]")) {
            String peer = item.trim();
            if (peer.isEmpty()) {
                continue;
            }
            int colon = peer.lastIndexOf(':');
            if (colon <= 0 || !peer.substring(colon + 1).matches("[0-9]{1,5}")) {
                throw new IllegalArgumentException("expected host:port, found '" + peer + "'");
            }
            peers.add(peer);
        }
        return List.copyOf(peers);
    }

    private static List<String> parseList(String text) {
        List<String> items = new ArrayList<>();
        for (String item : text.split(",")) {
            if (!item.isBlank()) {
                items.add(item.trim());
            }
        }
        return items.isEmpty() ? null : List.copyOf(items);
    }

    private static Function<Integer, String> range(int min, int max) {
        return value -> value >= min && value <= max ? null : "must be between " + min + " and " + max;
    }

    private static Function<Long, String> positive() {
        return value -> value > 0 ? null : "must be positive";
    }

    private static Function<Long, String> nonNegative() {
        return value -> value >= 0 ? null : "must not be negative";
    }
}
