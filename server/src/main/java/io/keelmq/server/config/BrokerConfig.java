package io.keelmq.server.config;

import io.keelmq.protocol.frame.FrameLimits;
import io.keelmq.protocol.message.PropertyLimits;
import io.keelmq.store.FlushDiskType;
import io.keelmq.store.StoreConfig;

import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The broker's settings: a value for every key of {@link ConfigKeys}, defaults where none
 * was given. Immutable; build one with {@link ConfigLoader} or {@link #builder()}.
 */
public final class BrokerConfig {
    /** Room for the frame header, a full header section and a batch's per-message length fields. */
    private static final int FRAME_OVERHEAD = FrameLimits.FIXED_HEADER_SIZE + FrameLimits.DEFAULT_MAX_HEADER_BYTES
            + 64 * 1024;

    private final Map<ConfigKey<?>, Object> values;
    /** Per-destination values ({@code <key>.<destination name>}), by key, then destination name. */
    private final Map<ConfigKey<?>, Map<String, Object>> perDestination;

    private BrokerConfig(Map<ConfigKey<?>, Object> values, Map<ConfigKey<?>, Map<String, Object>> perDestination) {
        this.values = Collections.unmodifiableMap(new LinkedHashMap<>(values));
        Map<ConfigKey<?>, Map<String, Object>> copy = new LinkedHashMap<>();
        perDestination.forEach((key, byName) ->
                copy.put(key, Collections.unmodifiableMap(new LinkedHashMap<>(byName))));
        this.perDestination = Collections.unmodifiableMap(copy);
    }

    /** Every key at its default. */
    public static BrokerConfig defaults() {
        return new BrokerConfig(Map.of(), Map.of());
    }

    public static Builder builder() {
        return new Builder();
    }

    /** A builder starting from this configuration. */
    public Builder toBuilder() {
        Builder builder = new Builder();
        builder.values.putAll(values);
        perDestination.forEach((key, byName) -> builder.perDestination.put(key, new LinkedHashMap<>(byName)));
        return builder;
    }

    @SuppressWarnings("unchecked")
    public <T> T get(ConfigKey<T> key) {
        Object value = values.get(key);
        return value == null ? key.defaultValue() : (T) value;
    }

    /**
     * The value of {@code key} for the destination named {@code destinationName}: its own
     * ({@code <key>.<destinationName>}, for keys {@link ConfigKeys#isPerDestination}) or the broker-wide one.
     */
    @SuppressWarnings("unchecked")
    public <T> T get(ConfigKey<T> key, String destinationName) {
        Object value = perDestination.getOrDefault(key, Map.of()).get(destinationName);
        return value == null ? get(key) : (T) value;
    }

    /** Whether {@code key} was set explicitly rather than left at its default. */
    public boolean isSet(ConfigKey<?> key) {
        return values.containsKey(key);
    }

    /**
     * Checks what single keys cannot: the store's cross-key rules and the broker roles
     * that are not implemented yet (refused rather than silently run as a master).
     */
    public void validate() throws ConfigException {
        BrokerRole role = brokerRole();
        validateControllerMode(role);
        if (role == BrokerRole.SLAVE && haMasterAddress() == null && !get(ConfigKeys.ENABLE_CONTROLLER_MODE)) {
            throw new ConfigException("key haMasterAddress is required when brokerRole=SLAVE (host:port of the "
                    + "master's haListenPort)");
        }
        if (role != BrokerRole.SLAVE && haMasterAddress() != null) {
            throw new ConfigException("key haMasterAddress is set but brokerRole is " + role
                    + ": only a SLAVE follows a master");
        }
        if (haMasterAddress() != null) {
            String address = haMasterAddress();
            int colon = address.lastIndexOf(':');
            if (colon <= 0 || !address.substring(colon + 1).matches("[0-9]{1,5}")) {
                throw new ConfigException("bad value '" + address + "' for key haMasterAddress: expected host:port");
            }
        }
        if (role != BrokerRole.ASYNC_MASTER || isSet(ConfigKeys.HA_LISTEN_PORT)) {
            int ha = haListenPort();
            if (ha != 0 && ha == listenPort()) {
                throw new ConfigException("bad value '" + ha + "' for key haListenPort: must differ from listenPort");
            }
        }
        try {
            toStoreConfig().validate();
        } catch (IllegalArgumentException e) {
            throw new ConfigException("bad configuration: " + e.getMessage());
        }
        if (get(ConfigKeys.MIN_HEARTBEAT_INTERVAL_MILLIS) > get(ConfigKeys.MAX_HEARTBEAT_INTERVAL_MILLIS)) {
            throw new ConfigException("bad value '" + get(ConfigKeys.MIN_HEARTBEAT_INTERVAL_MILLIS)
                    + "' for key minHeartbeatIntervalMillis: must not exceed maxHeartbeatIntervalMillis "
                    + get(ConfigKeys.MAX_HEARTBEAT_INTERVAL_MILLIS));
        }
        if (get(ConfigKeys.AUTHENTICATION_ENABLED) && get(ConfigKeys.USERS_FILE) == null) {
            throw new ConfigException("key usersFile is required when authenticationEnabled=true "
                    + "(create the file with: keel-admin user add --users-file FILE USER)");
        }
        if (get(ConfigKeys.TLS_ENABLED)) {
            validateTls();
        }
    }

    /** Controller mode: the controller decides the role, so nothing may fix it; the peers must be known. */
    private void validateControllerMode(BrokerRole role) throws ConfigException {
        boolean controlled = get(ConfigKeys.ENABLE_CONTROLLER_MODE);
        if (controlled && get(ConfigKeys.CONTROLLER_ADDR).isEmpty()) {
            throw new ConfigException("key controllerAddr is required when enableControllerMode=true (the controller "
                    + "peers' host:port, separated by ';')");
        }
        if (controlled && role == BrokerRole.SLAVE) {
            throw new ConfigException("bad value 'SLAVE' for key brokerRole: with enableControllerMode=true the "
                    + "controller decides who is slave; say SYNC_MASTER or ASYNC_MASTER (how to act when master)");
        }
        if (controlled && haMasterAddress() != null) {
            throw new ConfigException("key haMasterAddress is set but enableControllerMode=true: the controller "
                    + "names the master");
        }
        if (get(ConfigKeys.ENABLE_CONTROLLER_IN_BROKER)) {
            if (get(ConfigKeys.CONTROLLER_ADDR).isEmpty()) {
                throw new ConfigException("key controllerAddr is required when enableControllerInBroker=true");
            }
            try {
                io.keelmq.server.ha.controller.ControllerPeers.indexOf(get(ConfigKeys.CONTROLLER_SELF_ID),
                        get(ConfigKeys.CONTROLLER_ADDR));
            } catch (IllegalArgumentException e) {
                throw new ConfigException("bad value '" + get(ConfigKeys.CONTROLLER_SELF_ID) + "' for key "
                        + "controllerSelfId: " + e.getMessage());
            }
        }
    }

    /** What a TLS listener needs beyond single keys; the key stores themselves are read at start. */
    private void validateTls() throws ConfigException {
        if (get(ConfigKeys.TLS_KEY_STORE) == null) {
            throw new ConfigException("key tlsKeyStore is required when tlsEnabled=true (a PKCS12 or JKS file with "
                    + "the broker's private key and certificate)");
        }
        if (get(ConfigKeys.TLS_CLIENT_AUTH) != TlsClientAuth.NONE && get(ConfigKeys.TLS_TRUST_STORE) == null) {
            throw new ConfigException("key tlsTrustStore is required when tlsClientAuth="
                    + get(ConfigKeys.TLS_CLIENT_AUTH) + " (the CAs whose client certificates are accepted)");
        }
        int tlsPort = get(ConfigKeys.TLS_PORT);
        if (tlsPort != 0 && tlsPort == listenPort()) {
            throw new ConfigException("bad value '" + tlsPort + "' for key tlsPort: must differ from listenPort "
                    + "(the plain and the TLS listener each need their own port)");
        }
    }

    /** The store's settings, mapped key by key. */
    public StoreConfig toStoreConfig() {
        return new StoreConfig()
                .storePathRootDir(storePathRootDir())
                .flushDiskType(flushDiskType())
                .syncFlushTimeout(get(ConfigKeys.SYNC_FLUSH_TIMEOUT))
                .flushIntervalCommitLog(get(ConfigKeys.FLUSH_INTERVAL_COMMIT_LOG))
                .flushIntervalConsumeQueue(get(ConfigKeys.FLUSH_INTERVAL_CONSUME_QUEUE))
                .mappedFileSizeCommitLog(get(ConfigKeys.MAPPED_FILE_SIZE_COMMIT_LOG))
                .commitLogPrefill(get(ConfigKeys.COMMIT_LOG_PREFILL))
                .consumeQueueEntriesPerFile(get(ConfigKeys.CONSUME_QUEUE_ENTRIES_PER_FILE))
                .maxMessageSize(maxMessageSize())
                .messageIndexEnable(get(ConfigKeys.MESSAGE_INDEX_ENABLE))
                .maxHashSlotNum(get(ConfigKeys.MAX_HASH_SLOT_NUM))
                .maxIndexNum(get(ConfigKeys.MAX_INDEX_NUM))
                .fileReservedTime(get(ConfigKeys.FILE_RESERVED_TIME))
                .deleteWhen(get(ConfigKeys.DELETE_WHEN))
                .diskMaxUsedSpaceRatio(get(ConfigKeys.DISK_MAX_USED_SPACE_RATIO))
                .diskSpaceWarningLevelRatio(get(ConfigKeys.DISK_SPACE_WARNING_LEVEL_RATIO))
                .cleanResourceInterval(get(ConfigKeys.CLEAN_RESOURCE_INTERVAL));
    }

    /**
     * Frame limits for clients: a frame must hold the largest message plus headers, and a
     * batch of them; never below the protocol's defaults, which clients use unconfigured.
     */
    public FrameLimits frameLimits() {
        long wanted = (long) maxMessageSize() + FRAME_OVERHEAD;
        int maxFrame = (int) Math.min(Integer.MAX_VALUE - 16, Math.max(FrameLimits.DEFAULT_MAX_FRAME_SIZE, wanted));
        return FrameLimits.DEFAULT.withMaxFrameSize(maxFrame);
    }

    /**
     * What the broker accepts from clients: {@link #frameLimits()} with the configured {@code maxHeaderCount}.
     * The broker's own frames are checked against {@link #frameLimits()}, what unconfigured clients accept.
     */
    public FrameLimits inboundFrameLimits() {
        return frameLimits().withMaxHeaderCount(get(ConfigKeys.MAX_HEADER_COUNT));
    }

    /** The property limits of messages clients send. */
    public PropertyLimits propertyLimits() {
        return new PropertyLimits(get(ConfigKeys.MAX_PROPERTY_COUNT), get(ConfigKeys.MAX_PROPERTIES_SIZE));
    }

    // Shortcuts for the keys read most often.

    public int listenPort() {
        return get(ConfigKeys.LISTEN_PORT);
    }

    public String listenAddress() {
        return get(ConfigKeys.LISTEN_ADDRESS);
    }

    public Path storePathRootDir() {
        return get(ConfigKeys.STORE_PATH_ROOT_DIR);
    }

    public FlushDiskType flushDiskType() {
        return get(ConfigKeys.FLUSH_DISK_TYPE);
    }

    public BrokerRole brokerRole() {
        return get(ConfigKeys.BROKER_ROLE);
    }

    /** Where slaves connect: {@code haListenPort}, or {@code listenPort + 1} (0 when listenPort is 0 or -1). */
    public int haListenPort() {
        int set = get(ConfigKeys.HA_LISTEN_PORT);
        if (set >= 0) {
            return set;
        }
        return listenPort() > 0 ? listenPort() + 1 : 0;
    }

    /** A SLAVE's master (host:port of its haListenPort), else null. */
    public String haMasterAddress() {
        String address = get(ConfigKeys.HA_MASTER_ADDRESS);
        return address == null || address.isBlank() ? null : address.trim();
    }

    public int maxMessageSize() {
        return get(ConfigKeys.MAX_MESSAGE_SIZE);
    }

    public int defaultTopicQueueNums() {
        return get(ConfigKeys.DEFAULT_TOPIC_QUEUE_NUMS);
    }

    public boolean autoCreateTopicEnable() {
        return get(ConfigKeys.AUTO_CREATE_TOPIC_ENABLE);
    }

    @Override
    public String toString() {
        StringBuilder out = new StringBuilder("BrokerConfig[");
        for (ConfigKey<?> key : ConfigKeys.all()) {
            if (values.containsKey(key)) {
                out.append(out.charAt(out.length() - 1) == '[' ? "" : ", ").append(key.name()).append('=')
                        .append(ConfigKeys.isSecret(key) ? "****" : ConfigKeys.format(values.get(key)));
            }
        }
        return out.append(']').toString();
    }

    /** Collects values; {@link #build()} validates nothing across keys (see {@link #validate()}). */
    public static final class Builder {
        private final Map<ConfigKey<?>, Object> values = new LinkedHashMap<>();
        private final Map<ConfigKey<?>, Map<String, Object>> perDestination = new LinkedHashMap<>();

        private Builder() {
        }

        public <T> Builder set(ConfigKey<T> key, T value) {
            values.put(key, value);
            return this;
        }

        /** Sets a key from its text form; {@code <key>.<destination>} sets a per-destination key for one. */
        public Builder set(String name, String text) throws ConfigException {
            ConfigKey<?> key = ConfigKeys.find(name);
            int dot = name.indexOf('.');
            if (key == null && dot > 0 && dot < name.length() - 1) {
                ConfigKey<?> base = ConfigKeys.find(name.substring(0, dot));
                if (base != null && ConfigKeys.isPerDestination(base)) {
                    perDestination.computeIfAbsent(base, k -> new LinkedHashMap<>()).put(name.substring(dot + 1),
                            base.parse(text));
                    return this;
                }
            }
            if (key == null) {
                throw new ConfigException("unknown configuration key '" + name + "' (bad value '" + text
                        + "'); see --help for the keys");
            }
            values.put(key, key.parse(text));
            return this;
        }

        public BrokerConfig build() {
            return new BrokerConfig(values, perDestination);
        }
    }
}
