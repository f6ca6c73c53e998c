package io.keelmq.jms.message;

import jakarta.jms.JMSException;
import jakarta.jms.MessageFormatException;
import jakarta.jms.MessageNotWriteableException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.HashSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class KeelMessagePropertiesTest {

    interface PropertySetter {
        void set(KeelMessage m, String name) throws JMSException;
    }

    private static final List<PropertySetter> ALL_SETTERS = List.of(
            (m, n) -> m.setBooleanProperty(n, true),
            (m, n) -> m.setByteProperty(n, (byte) 1),
            (m, n) -> m.setShortProperty(n, (short) 1),
            (m, n) -> m.setIntProperty(n, 1),
            (m, n) -> m.setLongProperty(n, 1L),
            (m, n) -> m.setFloatProperty(n, 1f),
            (m, n) -> m.setDoubleProperty(n, 1d),
            (m, n) -> m.setStringProperty(n, "1"),
            (m, n) -> m.setObjectProperty(n, 1));

    @ParameterizedTest
    @ValueSource(strings = {"", "1abc", "a-b", "a b", "a.b", "NULL", "TRUE", "FALSE", "NOT", "AND", "OR", "BETWEEN",
            "LIKE", "IN", "IS", "ESCAPE", "null", "And", "between"})
    void invalidNamesAreRejectedByEverySetter(String name) {
        for (PropertySetter setter : ALL_SETTERS) {
            KeelMessage m = new KeelMessage();
            assertThrows(IllegalArgumentException.class, () -> setter.set(m, name), name);
            assertFalse(m.getPropertyNames().hasMoreElements(), "nothing stored for " + name);
        }
    }

    @Test
    void aNullNameIsRejectedByEverySetter() {
        for (PropertySetter setter : ALL_SETTERS) {
            assertThrows(IllegalArgumentException.class, () -> setter.set(new KeelMessage(), null));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"a", "_x", "$y", "größe", "x1_$", "JMSXGroupID", "JMS_Keel_Tag", "Nullable", "island"})
    void validIdentifiersAreAccepted(String name) throws JMSException {
        KeelMessage m = new KeelMessage();
        m.setIntProperty(name, 5);
        assertEquals(5, m.getIntProperty(name));
        assertTrue(m.propertyExists(name));
    }

    @Test
    void onlyPropertyTypesAreAcceptedAsObjects() throws JMSException {
        KeelMessage m = new KeelMessage();
        for (Object invalid : List.of('c', new byte[]{1}, new BigDecimal("1"), new ArrayList<>(), new Object())) {
            assertThrows(MessageFormatException.class, () -> m.setObjectProperty("p", invalid),
                    invalid.getClass().getName());
        }
        assertFalse(m.propertyExists("p"));
        List<Object> valid = List.of(true, (byte) 1, (short) 2, 3, 4L, 5f, 6d, "seven");
        for (Object value : valid) {
            m.setObjectProperty("p", value);
            assertEquals(value, m.getObjectProperty("p"));
        }
    }

    @Test
    void propertyNamesEnumerateWhatWasSet() throws JMSException {
        KeelMessage m = new KeelMessage();
        m.setStringProperty("a", "x");
        m.setIntProperty("b", 1);
        m.setIntProperty("a", 2);
        m.setJMSType("headers are not properties");
        assertEquals(Set.of("a", "b"), names(m));
        assertEquals(2, m.getObjectProperty("a"));
    }

    @Test
    void receivedPropertiesAreReadOnlyUntilCleared() throws JMSException {
        KeelMessage m = new KeelMessage();
        m.setStringProperty("kept", "v");
        m.onReceive(1);
        for (PropertySetter setter : ALL_SETTERS) {
            assertThrows(MessageNotWriteableException.class, () -> setter.set(m, "other"));
        }
        assertEquals("v", m.getStringProperty("kept"), "still readable");
        m.setJMSType("t");
        m.setJMSCorrelationID("c");
        m.setJMSPriority(7);
        assertEquals("t", m.getJMSType(), "header fields stay writable");

        m.clearProperties();
        assertFalse(m.propertyExists("kept"));
        assertNull(m.getStringProperty("kept"));
        m.setStringProperty("new", "n");
        assertEquals("n", m.getStringProperty("new"));
    }

    @Test
    void clearPropertiesKeepsHeadersAndBody() throws JMSException {
        KeelTextMessage m = new KeelTextMessage();
        m.setText("body");
        m.setJMSType("type");
        m.setBooleanProperty("p", true);
        m.clearProperties();
        assertEquals("body", m.getText());
        assertEquals("type", m.getJMSType());
        assertEquals(Set.of(), names(m));
    }

    @Test
    void deliveryCountIsAPropertyOnlyOnceDelivered() throws JMSException {
        KeelMessage m = new KeelMessage();
        assertFalse(m.propertyExists("JMSXDeliveryCount"));
        assertNull(m.getObjectProperty("JMSXDeliveryCount"));
        assertEquals(Set.of(), names(m));

        m.setStringProperty("app", "x");
        m.onReceive(3);
        assertEquals(3, m.getIntProperty("JMSXDeliveryCount"));
        assertEquals(3L, m.getLongProperty("JMSXDeliveryCount"));
        assertEquals("3", m.getStringProperty("JMSXDeliveryCount"));
        assertEquals(3, m.getObjectProperty("JMSXDeliveryCount"));
        assertThrows(MessageFormatException.class, () -> m.getBooleanProperty("JMSXDeliveryCount"));
        assertTrue(m.propertyExists("JMSXDeliveryCount"));
        assertEquals(Set.of("app", "JMSXDeliveryCount"), names(m));
        assertEquals(Map.of("app", "x"), m.getPropertyMap(), "the count travels as delivery state");

        m.clearProperties();
        assertEquals(3, m.getIntProperty("JMSXDeliveryCount"), "clearing properties does not undo deliveries");
        assertEquals(Set.of("JMSXDeliveryCount"), names(m));
    }

    @Test
    void aForwardedDeliveryCountIsStoredAsTheCount() throws JMSException {
        KeelMessage m = new KeelMessage();
        m.setObjectProperty("JMSXDeliveryCount", 2);
        assertEquals(2, m.getDeliveryCount());
        assertEquals(2, m.getIntProperty("JMSXDeliveryCount"));
        assertThrows(MessageFormatException.class, () -> m.setLongProperty("JMSXDeliveryCount", 4L));
        assertEquals(2, m.getDeliveryCount());
    }

    @Test
    void groupPropertiesAreOrdinaryProperties() throws JMSException {
        KeelMessage m = new KeelMessage();
        m.setStringProperty("JMSXGroupID", "orders-42");
        m.setIntProperty("JMSXGroupSeq", 3);
        assertEquals("orders-42", m.getStringProperty("JMSXGroupID"));
        assertEquals(3, m.getIntProperty("JMSXGroupSeq"));
        assertEquals(Set.of("JMSXGroupID", "JMSXGroupSeq"), names(m));
        assertEquals(Map.of("JMSXGroupID", "orders-42", "JMSXGroupSeq", 3), m.getPropertyMap());
    }

    @Test
    void propertyMapRoundTripsAndRejectsInvalidEntriesWithoutChange() throws JMSException {
        KeelMessage m = new KeelMessage();
        m.setPropertyMap(Map.of("a", 1, "b", "two"));
        assertEquals(1, m.getIntProperty("a"));
        assertEquals("two", m.getStringProperty("b"));

        Map<String, Object> withBadValue = Map.of("c", 'x');
        assertThrows(MessageFormatException.class, () -> m.setPropertyMap(withBadValue));
        Map<String, Object> withBadName = Collections.singletonMap("NOT", 1);
        assertThrows(IllegalArgumentException.class, () -> m.setPropertyMap(withBadName));
        assertEquals(Map.of("a", 1, "b", "two"), m.getPropertyMap());

        Map<String, Object> exported = m.getPropertyMap();
        exported.put("z", 9);
        assertFalse(m.propertyExists("z"), "the exported map is a copy");
    }

    private static Set<String> names(KeelMessage m) {
        Set<String> names = new HashSet<>();
        Collections.list(m.getPropertyNames()).forEach(names::add);
        return names;
    }
}
