package io.keelmq.server.tls;

import io.keelmq.server.Broker;
import io.keelmq.server.config.BrokerConfig;
import io.keelmq.server.config.ConfigException;
import io.keelmq.server.config.ConfigKeys;
import io.keelmq.server.config.TlsClientAuth;
import io.keelmq.server.testing.TestBrokers;
import io.keelmq.server.testing.TestCertificates;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Bad TLS settings stop the broker at start with a ConfigException (exit 2) naming the setting. */
class TlsConfigTest {
    @TempDir
    static Path keys;
    static TestCertificates certificates;

    @TempDir
    Path dir;

    @BeforeAll
    static void generateKeys() throws Exception {
        certificates = TestCertificates.generate(keys);
    }

    private BrokerConfig.Builder tls(Path keyStore, String password) {
        BrokerConfig.Builder config = TestBrokers.config(dir).set(ConfigKeys.TLS_ENABLED, true)
                .set(ConfigKeys.TLS_PORT, 0);
        if (keyStore != null) {
            config.set(ConfigKeys.TLS_KEY_STORE, keyStore);
        }
        return password == null ? config : config.set(ConfigKeys.TLS_KEY_STORE_PASSWORD, password);
    }

    private String refused(BrokerConfig.Builder config) {
        ConfigException e = assertThrows(ConfigException.class, () -> Broker.start(config.build()).close());
        assertFalse(Files.exists(dir.resolve("commitlog")), "refused before the store was opened");
        return e.getMessage();
    }

    @Test
    void offByDefault() {
        BrokerConfig defaults = BrokerConfig.defaults();
        assertFalse(defaults.get(ConfigKeys.TLS_ENABLED));
        assertEquals("PKCS12", defaults.get(ConfigKeys.TLS_KEY_STORE_TYPE));
        assertEquals(TlsClientAuth.NONE, defaults.get(ConfigKeys.TLS_CLIENT_AUTH));
        assertEquals(List.of("TLSv1.3", "TLSv1.2"), defaults.get(ConfigKeys.TLS_PROTOCOLS));
    }

    @Test
    void enabledWithoutKeyStoreNamesTheKey() {
        assertTrue(refused(tls(null, null)).contains("tlsKeyStore"));
    }

    @Test
    void missingKeyStoreFileIsNamed() {
        String message = refused(tls(dir.resolve("no-such.p12"), TestCertificates.PASSWORD));
        assertTrue(message.contains("tlsKeyStore") && message.contains("no-such.p12")
                && message.contains("does not exist"), message);
    }

    @Test
    void wrongKeyStorePasswordIsNamedWithoutEchoingIt() {
        String message = refused(tls(certificates.serverKeyStore, "not-the-password"));
        assertTrue(message.contains("tlsKeyStorePassword"), message);
        assertFalse(message.contains("not-the-password"), message);
    }

    @Test
    void aTrustStoreIsNoKeyStore() {
        String message = refused(tls(certificates.trustStore, TestCertificates.PASSWORD));
        assertTrue(message.contains("tlsKeyStore") && message.contains("no private key"), message);
    }

    @Test
    void clientAuthWithoutTrustStoreAndBadTrustStoreAreNamed() {
        BrokerConfig.Builder noTrust = tls(certificates.serverKeyStore, TestCertificates.PASSWORD)
                .set(ConfigKeys.TLS_CLIENT_AUTH, TlsClientAuth.REQUIRE);
        assertTrue(refused(noTrust).contains("tlsTrustStore"));
        String wrongPassword = refused(noTrust.set(ConfigKeys.TLS_TRUST_STORE, certificates.trustStore)
                .set(ConfigKeys.TLS_TRUST_STORE_PASSWORD, "nope"));
        assertTrue(wrongPassword.contains("tlsTrustStorePassword"), wrongPassword);
    }

    @Test
    void unknownProtocolOrCipherSuiteIsNamed() throws Exception {
        String protocol = refused(tls(certificates.serverKeyStore, TestCertificates.PASSWORD)
                .set("tlsProtocols", "TLSv1.3, TLSv9"));
        assertTrue(protocol.contains("tlsProtocols") && protocol.contains("TLSv9"), protocol);
        String cipher = refused(tls(certificates.serverKeyStore, TestCertificates.PASSWORD)
                .set("tlsCipherSuites", "TLS_NO_SUCH_SUITE"));
        assertTrue(cipher.contains("tlsCipherSuites") && cipher.contains("TLS_NO_SUCH_SUITE"), cipher);
    }

    @Test
    void samePortForBothListenersIsRefused() throws Exception {
        BrokerConfig config = BrokerConfig.builder().set("tlsEnabled", "true").set("tlsKeyStore", "/k.p12")
                .set("listenPort", "10999").set("tlsPort", "10999").build();
        ConfigException e = assertThrows(ConfigException.class, config::validate);
        assertTrue(e.getMessage().contains("tlsPort"), e.getMessage());
    }

    @Test
    void passwordsAreNotPrinted() throws Exception {
        String text = BrokerConfig.builder().set("tlsKeyStorePassword", "s3cret").set("tlsTrustStorePassword", "t0p")
                .build().toString();
        assertFalse(text.contains("s3cret") || text.contains("t0p"), text);
    }
}
