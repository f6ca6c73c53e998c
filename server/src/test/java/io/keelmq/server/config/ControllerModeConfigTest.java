package io.keelmq.server.config;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Controller mode's keys: clear errors for what cannot work, the peer list as RocketMQ writes it. */
class ControllerModeConfigTest {
    private static BrokerConfig parse(String... args) throws ConfigException {
        return ConfigLoader.parse(args).config();
    }

    private static String refusal(String... args) {
        return assertThrows(ConfigException.class, () -> parse(args).validate()).getMessage();
    }

    @Test
    void controllerAddrTakesSemicolonsOrCommasAndRefusesWhatIsNoHostPort() throws Exception {
        assertEquals(List.of("127.0.0.1:9880", "127.0.0.1:9881", "h:9882"),
                parse("--controllerAddr=127.0.0.1:9880; 127.0.0.1:9881,h:9882").get(ConfigKeys.CONTROLLER_ADDR));
        String bad = assertThrows(ConfigException.class, () -> parse("--controllerAddr=127.0.0.1")).getMessage();
        assertTrue(bad.contains("controllerAddr") && bad.contains("expected host:port"), bad);
    }

    @Test
    void controllerModeRefusesWhatWouldFixTheRole() {
        assertTrue(refusal("--enableControllerMode=true").contains("controllerAddr is required"));
        assertTrue(refusal("--enableControllerMode=true", "--controllerAddr=h:1", "--brokerRole=SLAVE")
                .contains("controller decides who is slave"));
        assertTrue(refusal("--enableControllerMode=true", "--controllerAddr=h:1", "--haMasterAddress=h:2")
                .contains("the controller names the master"));
        String self = refusal("--enableControllerMode=true", "--controllerAddr=h:1;h:2", "--enableControllerInBroker=true",
                "--controllerSelfId=n2");
        assertTrue(self.contains("controllerSelfId") && self.contains("names no peer"), self);
    }
}
