package io.keelmq.jms.provider;

import io.keelmq.jms.transport.HostAndPort;
import jakarta.jms.JMSException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BrokerURLTest {

    @Test
    void keelUrlWithSeveralAddressesAndOptions() throws Exception {
        BrokerURL url = BrokerURL.parse("keel://a:1,b,[::1]:3?clientID=x&password=p%26q");
        assertEquals(BrokerURL.Scheme.KEEL, url.scheme());
        assertEquals(List.of(new HostAndPort("a", 1), new HostAndPort("b", BrokerURL.DEFAULT_PORT),
                new HostAndPort("::1", 3)), url.addresses());
        assertEquals(Map.of("clientID", "x", "password", "p&q"), url.options());
        assertNull(url.vmName());
        assertEquals("[::1]:3", url.addresses().get(2).toString());
    }

    @Test
    void keelSslUrlIsTcpWithTheTlsPortAsDefault() throws Exception {
        BrokerURL url = BrokerURL.parse("keel+ssl://a:1,b?trustStore=/x/t.p12");
        assertEquals(BrokerURL.Scheme.KEEL_SSL, url.scheme());
        assertTrue(url.scheme().isTcp());
        assertEquals(List.of(new HostAndPort("a", 1), new HostAndPort("b", BrokerURL.DEFAULT_TLS_PORT)),
                url.addresses());
        assertEquals(Map.of("trustStore", "/x/t.p12"), url.options());
    }

    @Test
    void vmUrlNamesABroker() throws Exception {
        BrokerURL url = BrokerURL.parse("VM://embedded?broker.listenPort=0");
        assertEquals(BrokerURL.Scheme.VM, url.scheme());
        assertEquals("embedded", url.vmName());
        assertEquals(Map.of("broker.listenPort", "0"), url.options());
        assertEquals(List.of(), url.addresses());
    }

    @Test
    void theDefaultIsTheBrokersDefaultPortOnLocalhost() throws Exception {
        assertEquals(List.of(new HostAndPort("127.0.0.1", 10911)), BrokerURL.parse(BrokerURL.DEFAULT).addresses());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "localhost:10911", "tcp://h:1", "keel://", "keel://h:x", "keel://h:70000",
            "keel://[::1", "keel://h:1?novalue", "keel://h:1?a=1&a=2", "vm://", "vm://a/b", "keel://:5",
            "keel://h?x=%zz", "keel+ssl://"})
    void malformedUrlsAreRefusedWithAReason(String text) {
        JMSException e = assertThrows(JMSException.class, () -> BrokerURL.parse(text));
        assertTrue(e.getMessage().contains("URL"), e.getMessage());
    }
}
