package io.keelmq.jms.provider.failover;

import io.keelmq.jms.ConnectionOptions;
import io.keelmq.jms.provider.BrokerURL;
import io.keelmq.jms.provider.FrameProvider;
import io.keelmq.jms.provider.Provider;
import io.keelmq.jms.provider.ProviderFactory;
import io.keelmq.jms.transport.TcpTransportType;
import jakarta.jms.JMSException;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Which URLs fail over: a URL of one broker without failover options gets the plain provider, exactly as before
 * failover existed (the TCK runs such URLs); the decorator is not in its path at all.
 */
class FailoverSelectionTest {

    @org.junit.jupiter.api.AfterEach
    void nothingIsLeftHoldingTheSharedClientThreads() throws InterruptedException {
        assertTrue(io.keelmq.jms.ClientThreads.awaitReleased(10_000), "a provider made here was not released");
    }

    /** Asserts the provider {@code url} gets, then closes it (a plain one holds shared client resources). */
    private static void assertProvider(Class<? extends Provider> expected, String url) throws JMSException {
        Provider provider = providerFor(url);
        try {
            assertInstanceOf(expected, provider, url);
        } finally {
            provider.close();
        }
    }

    private static Provider providerFor(String url) throws JMSException {
        BrokerURL parsed = BrokerURL.parse(url);
        ConnectionOptions options = new ConnectionOptions();
        parsed.options().forEach((name, value) -> {
            try {
                options.apply(name, value);
            } catch (JMSException e) {
                throw new IllegalArgumentException(e);
            }
        });
        return ProviderFactory.create(parsed, Map.of(), null, TcpTransportType.BLOCKING, 1_000,
                options.failoverOptions(parsed));
    }

    @Test
    void aSingleBrokerUrlWithoutFailoverOptionsGetsThePlainProvider() throws JMSException {
        assertProvider(FrameProvider.class, "keel://127.0.0.1:1");
        assertProvider(FrameProvider.class, "keel+ssl://127.0.0.1:1");
        assertProvider(FrameProvider.class, "vm://embedded?reconnectTimeout=5000");
        assertProvider(FrameProvider.class, "keel://127.0.0.1:1,127.0.0.1:2?reconnectTimeout=0");
    }

    @Test
    void severalBrokersOrAFailoverOptionGetTheFailoverProvider() throws JMSException {
        assertProvider(FailoverProvider.class, "keel://127.0.0.1:1,127.0.0.1:2");
        assertProvider(FailoverProvider.class, "keel://127.0.0.1:1?reconnectTimeout=5000");
        assertProvider(FailoverProvider.class, "keel://127.0.0.1:1?retryAnotherBrokerWhenNotStoreOK=true");
    }

    @Test
    void theDefaultsAndTheirBounds() throws JMSException {
        ConnectionOptions options = new ConnectionOptions();
        assertNull(options.failoverOptions(BrokerURL.parse("keel://a:1")));
        assertEquals(new FailoverOptions(FailoverOptions.DEFAULT_RECONNECT_TIMEOUT_MILLIS, false),
                options.failoverOptions(BrokerURL.parse("keel://a:1,b:2")));
        options.apply("reconnectTimeout", "2500");
        assertEquals(new FailoverOptions(2500, false), options.failoverOptions(BrokerURL.parse("keel://a:1")));
        assertEquals("2500", options.toProperties().get("reconnectTimeout"));
        JMSException bad = assertThrows(JMSException.class, () -> options.apply("reconnectTimeout", "-5"));
        assertTrue(bad.getMessage().contains("reconnectTimeout"), bad.getMessage());
        JMSException notBoolean = assertThrows(JMSException.class,
                () -> options.apply("retryAnotherBrokerWhenNotStoreOK", "yes"));
        assertTrue(notBoolean.getMessage().contains("retryAnotherBrokerWhenNotStoreOK"), notBoolean.getMessage());
    }
}
