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
        assertInstanceOf(FrameProvider.class, providerFor("keel://127.0.0.1:1"));
        assertInstanceOf(FrameProvider.class, providerFor("keel+ssl://127.0.0.1:1"));
        assertInstanceOf(FrameProvider.class, providerFor("vm://embedded?reconnectTimeout=5000"));
        assertInstanceOf(FrameProvider.class, providerFor("keel://127.0.0.1:1,127.0.0.1:2?reconnectTimeout=0"));
    }

    @Test
    void severalBrokersOrAFailoverOptionGetTheFailoverProvider() throws JMSException {
        assertInstanceOf(FailoverProvider.class, providerFor("keel://127.0.0.1:1,127.0.0.1:2"));
        assertInstanceOf(FailoverProvider.class, providerFor("keel://127.0.0.1:1?reconnectTimeout=5000"));
        assertInstanceOf(FailoverProvider.class, providerFor("keel://127.0.0.1:1?retryAnotherBrokerWhenNotStoreOK=true"));
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
