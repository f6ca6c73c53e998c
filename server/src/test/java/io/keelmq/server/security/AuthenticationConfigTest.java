package io.keelmq.server.security;

import io.keelmq.server.Broker;
import io.keelmq.server.config.BrokerConfig;
import io.keelmq.server.config.ConfigException;
import io.keelmq.server.config.ConfigKeys;
import io.keelmq.server.testing.TestBrokers;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AuthenticationConfigTest {
    @TempDir
    Path dir;

    @Test
    void disabledByDefault() throws Exception {
        assertFalse(BrokerConfig.defaults().get(ConfigKeys.AUTHENTICATION_ENABLED));
        assertEquals(null, BrokerConfig.defaults().get(ConfigKeys.USERS_FILE));
        BrokerConfig.builder().set("authenticationEnabled", "true").set("usersFile", "/x/users").build().validate();
    }

    @Test
    void enabledWithoutUsersFileIsAStartUpErrorNamingTheKey() {
        BrokerConfig config = TestBrokers.config(dir).set(ConfigKeys.AUTHENTICATION_ENABLED, true).build();
        ConfigException e = assertThrows(ConfigException.class, () -> Broker.start(config));
        assertTrue(e.getMessage().contains("usersFile"), e.getMessage());
    }

    @Test
    void missingUsersFileIsAStartUpErrorNamingTheKey() {
        BrokerConfig config = TestBrokers.config(dir).set(ConfigKeys.AUTHENTICATION_ENABLED, true)
                .set(ConfigKeys.USERS_FILE, dir.resolve("no-such-file")).build();
        ConfigException e = assertThrows(ConfigException.class, () -> Broker.start(config));
        assertTrue(e.getMessage().contains("usersFile") && e.getMessage().contains("no-such-file"), e.getMessage());
    }
}
