package io.keelmq.server.config;

import io.keelmq.store.FlushDiskType;
import io.keelmq.store.StoreConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BrokerConfigTest {

    @Test
    void defaultsAreRocketMqs() throws Exception {
        BrokerConfig config = ConfigLoader.parse(new String[0]).config();
        assertEquals(10911, config.listenPort());
        assertEquals("127.0.0.1", config.listenAddress());
        assertEquals(Path.of("./keel-data"), config.storePathRootDir());
        assertEquals(FlushDiskType.SYNC_FLUSH, config.flushDiskType());
        assertEquals(5000L, config.get(ConfigKeys.SYNC_FLUSH_TIMEOUT));
        assertEquals(BrokerRole.ASYNC_MASTER, config.brokerRole());
        assertEquals(4 << 20, config.maxMessageSize());
        assertEquals(16, config.get(ConfigKeys.MAX_RECONSUME_TIMES));
        assertEquals(200L, config.get(ConfigKeys.WAIT_TIME_MILLS_IN_SEND_QUEUE));
        assertEquals(15000L, config.get(ConfigKeys.BROKER_SUSPEND_MAX_TIME_MILLIS));
        assertEquals(4, config.defaultTopicQueueNums());
        assertTrue(config.autoCreateTopicEnable());
        assertEquals(72L, config.get(ConfigKeys.FILE_RESERVED_TIME));
        assertEquals(18, config.get(ConfigKeys.MESSAGE_DELAY_LEVEL).count());
        assertEquals(7_200_000L, config.get(ConfigKeys.MESSAGE_DELAY_LEVEL).delayMillis(18));
        assertEquals(StoreConfig.ONE_GIB, config.toStoreConfig().mappedFileSizeCommitLog());
    }

    @Test
    void fileThenArgumentsOverride(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("broker.properties");
        Files.writeString(file, "listenPort=12000\nflushDiskType=ASYNC_FLUSH\nmaxMessageSize=1048576\n"
                + "messageDelayLevel=1s 2m 3h\n");
        BrokerConfig config = ConfigLoader.parse(new String[] {"--listenPort=13000", "--config", file.toString(),
                "--storePathRootDir=" + dir.resolve("data")}).config();
        assertEquals(13000, config.listenPort());
        assertEquals(FlushDiskType.ASYNC_FLUSH, config.flushDiskType());
        assertEquals(1 << 20, config.toStoreConfig().maxMessageSize());
        assertEquals(dir.resolve("data"), config.toStoreConfig().storePathRootDir());
        assertEquals(3, config.get(ConfigKeys.MESSAGE_DELAY_LEVEL).count());
        assertEquals(120_000L, config.get(ConfigKeys.MESSAGE_DELAY_LEVEL).delayMillis(2));
        assertTrue(config.isSet(ConfigKeys.LISTEN_PORT));
        assertFalse(config.isSet(ConfigKeys.BROKER_ROLE));
    }

    @Test
    void unknownKeyIsNamed() {
        ConfigException e = assertThrows(ConfigException.class,
                () -> ConfigLoader.parse(new String[] {"--listenPrt=1"}));
        assertTrue(e.getMessage().contains("unknown configuration key 'listenPrt'"), e.getMessage());
    }

    @Test
    void unknownKeyInFileIsNamed(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("broker.properties");
        Files.writeString(file, "flushDiskTyp=SYNC_FLUSH\n");
        ConfigException e = assertThrows(ConfigException.class,
                () -> ConfigLoader.parse(new String[] {"--config=" + file}));
        assertTrue(e.getMessage().contains("'flushDiskTyp'"), e.getMessage());
    }

    @Test
    void badValuesNameKeyAndValue() {
        assertBad("--listenPort=abc", "bad value 'abc' for key listenPort");
        assertBad("--listenPort=70000", "bad value '70000' for key listenPort: must be between -1 and 65535");
        assertBad("--flushDiskType=SOMETIMES", "bad value 'SOMETIMES' for key flushDiskType");
        assertBad("--autoCreateTopicEnable=yes", "bad value 'yes' for key autoCreateTopicEnable");
        assertBad("--messageDelayLevel=1s 5x", "bad value '1s 5x' for key messageDelayLevel");
        assertBad("--diskMaxUsedSpaceRatio=75", "bad value '75' for key diskMaxUsedSpaceRatio");
        assertBad("--syncFlushTimeout=0", "bad value '0' for key syncFlushTimeout: must be positive");
    }

    @Test
    void crossKeyRulesNameTheKey() {
        assertBad("--mappedFileSizeCommitLog=1048576", "mappedFileSizeCommitLog must hold the largest record");
    }

    @Test
    void replicationSettingsAreChecked() {
        assertBad("--brokerRole=SLAVE", "key haMasterAddress is required when brokerRole=SLAVE");
        assertBad("--haMasterAddress=127.0.0.1:1", "key haMasterAddress is set but brokerRole is ASYNC_MASTER");
        assertBad("--brokerRole=SLAVE", "--haMasterAddress=nohost", "bad value 'nohost' for key haMasterAddress");
        assertBad("--listenPort=4000", "--haListenPort=4000",
                "bad value '4000' for key haListenPort: must differ from listenPort");
        assertBad("--minInSyncReplicas=0", "minInSyncReplicas");
    }

    @Test
    void theHaPortDefaultsToTheListenPortPlusOne() throws ConfigException {
        assertEquals(10912, BrokerConfig.defaults().haListenPort());
        assertEquals(0, BrokerConfig.builder().set(ConfigKeys.LISTEN_PORT, 0).build().haListenPort());
        assertEquals(7000, BrokerConfig.builder().set(ConfigKeys.HA_LISTEN_PORT, 7000).build().haListenPort());
        BrokerConfig slave = BrokerConfig.builder().set("brokerRole", "SLAVE").set("haMasterAddress", "127.0.0.1:7000")
                .build();
        slave.validate();
        assertEquals("127.0.0.1:7000", slave.haMasterAddress());
    }

    @Test
    void badArgumentsAreRefused() {
        assertBad("listenPort=1", "bad argument 'listenPort=1'");
        assertThrows(ConfigException.class, () -> ConfigLoader.parse(new String[] {"--config"}));
    }

    @Test
    void helpListsEveryKey() throws Exception {
        assertTrue(ConfigLoader.parse(new String[] {"--help"}).help());
        String help = ConfigLoader.help();
        for (ConfigKey<?> key : ConfigKeys.all()) {
            assertTrue(help.contains(key.name()), key.name());
        }
        assertTrue(help.contains("(default: 10911)"));
    }

    @Test
    void delayLevelsParseUnits() {
        DelayLevels levels = DelayLevels.parse(" 500ms  2s 1m 1h 1d ");
        assertEquals(5, levels.count());
        assertEquals(500L, levels.delayMillis(1));
        assertEquals(86_400_000L, levels.delayMillis(5));
        assertEquals("500ms 2s 1m 1h 1d", levels.toString());
        assertThrows(IllegalArgumentException.class, () -> DelayLevels.parse(""));
        assertThrows(IllegalArgumentException.class, () -> DelayLevels.parse("0s"));
        assertThrows(IllegalArgumentException.class, () -> levels.delayMillis(6));
    }

    private static void assertBad(String first, String second, String expected) {
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.parse(new String[] {first, second}));
        assertTrue(e.getMessage().contains(expected), e.getMessage());
    }

    private static void assertBad(String argument, String expected) {
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.parse(new String[] {argument}));
        assertTrue(e.getMessage().contains(expected), e.getMessage());
    }
}
