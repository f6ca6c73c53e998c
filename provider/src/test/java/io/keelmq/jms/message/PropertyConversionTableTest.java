package io.keelmq.jms.message;

import jakarta.jms.JMSException;
import jakarta.jms.MessageFormatException;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every cell of spec table 3-2: a marked cell converts, an unmarked one throws MessageFormatException. */
class PropertyConversionTableTest {

    private static final String NAME = "p";

    enum Getter {
        BOOLEAN, BYTE, SHORT, INT, LONG, FLOAT, DOUBLE, STRING;

        Object read(KeelMessage m, String name) throws JMSException {
            return switch (this) {
                case BOOLEAN -> m.getBooleanProperty(name);
                case BYTE -> m.getByteProperty(name);
                case SHORT -> m.getShortProperty(name);
                case INT -> m.getIntProperty(name);
                case LONG -> m.getLongProperty(name);
                case FLOAT -> m.getFloatProperty(name);
                case DOUBLE -> m.getDoubleProperty(name);
                case STRING -> m.getStringProperty(name);
            };
        }
    }

    interface Setter {
        void set(KeelMessage m) throws JMSException;
    }

    private record Row(String type, Object stored, Setter setter, Map<Getter, Object> readable) {
    }

    private static Map<Getter, Object> cells(Object... getterValuePairs) {
        Map<Getter, Object> cells = new EnumMap<>(Getter.class);
        for (int i = 0; i < getterValuePairs.length; i += 2) {
            cells.put((Getter) getterValuePairs[i], getterValuePairs[i + 1]);
        }
        return cells;
    }

    private static List<Row> rows() {
        return List.of(
                new Row("boolean", true, m -> m.setBooleanProperty(NAME, true),
                        cells(Getter.BOOLEAN, true, Getter.STRING, "true")),
                new Row("byte", (byte) -7, m -> m.setByteProperty(NAME, (byte) -7),
                        cells(Getter.BYTE, (byte) -7, Getter.SHORT, (short) -7, Getter.INT, -7, Getter.LONG, -7L,
                                Getter.STRING, "-7")),
                new Row("short", (short) 300, m -> m.setShortProperty(NAME, (short) 300),
                        cells(Getter.SHORT, (short) 300, Getter.INT, 300, Getter.LONG, 300L, Getter.STRING, "300")),
                new Row("int", 70_000, m -> m.setIntProperty(NAME, 70_000),
                        cells(Getter.INT, 70_000, Getter.LONG, 70_000L, Getter.STRING, "70000")),
                new Row("long", 5_000_000_000L, m -> m.setLongProperty(NAME, 5_000_000_000L),
                        cells(Getter.LONG, 5_000_000_000L, Getter.STRING, "5000000000")),
                new Row("float", 1.5f, m -> m.setFloatProperty(NAME, 1.5f),
                        cells(Getter.FLOAT, 1.5f, Getter.DOUBLE, 1.5d, Getter.STRING, "1.5")),
                new Row("double", 2.25d, m -> m.setDoubleProperty(NAME, 2.25d),
                        cells(Getter.DOUBLE, 2.25d, Getter.STRING, "2.25")),
                new Row("String", "42", m -> m.setStringProperty(NAME, "42"),
                        cells(Getter.BOOLEAN, false, Getter.BYTE, (byte) 42, Getter.SHORT, (short) 42, Getter.INT, 42,
                                Getter.LONG, 42L, Getter.FLOAT, 42f, Getter.DOUBLE, 42d, Getter.STRING, "42")));
    }

    @TestFactory
    List<DynamicTest> everyCellOfTheTable() {
        List<DynamicTest> tests = new ArrayList<>();
        for (Row row : rows()) {
            for (Getter getter : Getter.values()) {
                String cell = row.type() + " read as " + getter;
                tests.add(DynamicTest.dynamicTest(cell, () -> {
                    KeelMessage typed = new KeelMessage();
                    row.setter().set(typed);
                    KeelMessage objectified = new KeelMessage();
                    objectified.setObjectProperty(NAME, row.stored());
                    for (KeelMessage m : List.of(typed, objectified)) {
                        assertEquals(row.stored(), m.getObjectProperty(NAME), "getObjectProperty keeps the type");
                        if (row.readable().containsKey(getter)) {
                            assertEquals(row.readable().get(getter), getter.read(m, NAME), cell);
                        } else {
                            assertThrows(MessageFormatException.class, () -> getter.read(m, NAME), cell);
                        }
                    }
                }));
            }
        }
        return tests;
    }

    @Test
    void stringToBooleanFollowsBooleanValueOf() throws JMSException {
        KeelMessage m = new KeelMessage();
        m.setStringProperty("a", "TRUE");
        m.setStringProperty("b", "yes");
        assertTrue(m.getBooleanProperty("a"));
        assertFalse(m.getBooleanProperty("b"));
    }

    @Test
    void unparsableStringsThrowNumberFormatException() throws JMSException {
        KeelMessage m = new KeelMessage();
        m.setStringProperty(NAME, "abc");
        for (Getter getter : List.of(Getter.BYTE, Getter.SHORT, Getter.INT, Getter.LONG, Getter.FLOAT, Getter.DOUBLE)) {
            assertThrows(NumberFormatException.class, () -> getter.read(m, NAME), getter.name());
        }
        m.setStringProperty(NAME, "300");
        assertThrows(NumberFormatException.class, () -> m.getByteProperty(NAME), "300 overflows a byte");
        assertEquals((short) 300, m.getShortProperty(NAME));
        m.setStringProperty(NAME, "1.5");
        assertThrows(NumberFormatException.class, () -> m.getIntProperty(NAME));
        assertEquals(1.5f, m.getFloatProperty(NAME));
    }

    /** Spec 3.5.4: reading null as a primitive is valueOf(null) of that primitive. */
    @Test
    void aMissingPropertyReadsAsNull() throws JMSException {
        KeelMessage m = new KeelMessage();
        assertFalse(m.getBooleanProperty("missing"));
        assertThrows(NumberFormatException.class, () -> m.getByteProperty("missing"));
        assertThrows(NumberFormatException.class, () -> m.getShortProperty("missing"));
        assertThrows(NumberFormatException.class, () -> m.getIntProperty("missing"));
        assertThrows(NumberFormatException.class, () -> m.getLongProperty("missing"));
        assertThrows(NullPointerException.class, () -> m.getFloatProperty("missing"));
        assertThrows(NullPointerException.class, () -> m.getDoubleProperty("missing"));
        assertNull(m.getStringProperty("missing"));
        assertNull(m.getObjectProperty("missing"));
        assertFalse(m.propertyExists("missing"));
    }

    @Test
    void aPropertySetToNullExistsAndReadsAsNull() throws JMSException {
        KeelMessage m = new KeelMessage();
        m.setStringProperty(NAME, null);
        assertTrue(m.propertyExists(NAME));
        assertNull(m.getStringProperty(NAME));
        assertFalse(m.getBooleanProperty(NAME));
        assertThrows(NumberFormatException.class, () -> m.getIntProperty(NAME));
    }
}
