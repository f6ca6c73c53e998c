package io.keelmq.jms.message;

import jakarta.jms.JMSException;
import jakarta.jms.MessageFormatException;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * Every cell of spec table 3-7 for both StreamMessage and MapMessage. For the stream, a refused conversion must also
 * leave the read position on the field, which is checked by reading it again with readObject.
 */
class BodyConversionTableTest {

    private static final String NAME = "k";

    enum Column {
        BOOLEAN, BYTE, SHORT, CHAR, INT, LONG, FLOAT, DOUBLE, STRING, BYTES;

        Object read(KeelStreamMessage m) throws JMSException {
            return switch (this) {
                case BOOLEAN -> m.readBoolean();
                case BYTE -> m.readByte();
                case SHORT -> m.readShort();
                case CHAR -> m.readChar();
                case INT -> m.readInt();
                case LONG -> m.readLong();
                case FLOAT -> m.readFloat();
                case DOUBLE -> m.readDouble();
                case STRING -> m.readString();
                case BYTES -> {
                    byte[] buffer = new byte[16];
                    int n = m.readBytes(buffer);
                    yield n < 0 ? null : Arrays.copyOf(buffer, n);
                }
            };
        }

        Object read(KeelMapMessage m, String name) throws JMSException {
            return switch (this) {
                case BOOLEAN -> m.getBoolean(name);
                case BYTE -> m.getByte(name);
                case SHORT -> m.getShort(name);
                case CHAR -> m.getChar(name);
                case INT -> m.getInt(name);
                case LONG -> m.getLong(name);
                case FLOAT -> m.getFloat(name);
                case DOUBLE -> m.getDouble(name);
                case STRING -> m.getString(name);
                case BYTES -> m.getBytes(name);
            };
        }
    }

    interface StreamWriter {
        void write(KeelStreamMessage m) throws JMSException;
    }

    interface MapWriter {
        void write(KeelMapMessage m) throws JMSException;
    }

    private record Row(String type, Object value, StreamWriter streamWriter, MapWriter mapWriter,
                       Map<Column, Object> readable) {
    }

    private static Map<Column, Object> cells(Object... columnValuePairs) {
        Map<Column, Object> cells = new EnumMap<>(Column.class);
        for (int i = 0; i < columnValuePairs.length; i += 2) {
            cells.put((Column) columnValuePairs[i], columnValuePairs[i + 1]);
        }
        return cells;
    }

    private static final byte[] BYTES = {1, 2, 3};

    private static List<Row> rows() {
        return List.of(
                new Row("boolean", true, m -> m.writeBoolean(true), m -> m.setBoolean(NAME, true),
                        cells(Column.BOOLEAN, true, Column.STRING, "true")),
                new Row("byte", (byte) 9, m -> m.writeByte((byte) 9), m -> m.setByte(NAME, (byte) 9),
                        cells(Column.BYTE, (byte) 9, Column.SHORT, (short) 9, Column.INT, 9, Column.LONG, 9L,
                                Column.STRING, "9")),
                new Row("short", (short) -300, m -> m.writeShort((short) -300), m -> m.setShort(NAME, (short) -300),
                        cells(Column.SHORT, (short) -300, Column.INT, -300, Column.LONG, -300L, Column.STRING, "-300")),
                new Row("char", 'x', m -> m.writeChar('x'), m -> m.setChar(NAME, 'x'),
                        cells(Column.CHAR, 'x', Column.STRING, "x")),
                new Row("int", 123_456, m -> m.writeInt(123_456), m -> m.setInt(NAME, 123_456),
                        cells(Column.INT, 123_456, Column.LONG, 123_456L, Column.STRING, "123456")),
                new Row("long", -9_000_000_000L, m -> m.writeLong(-9_000_000_000L),
                        m -> m.setLong(NAME, -9_000_000_000L),
                        cells(Column.LONG, -9_000_000_000L, Column.STRING, "-9000000000")),
                new Row("float", 0.25f, m -> m.writeFloat(0.25f), m -> m.setFloat(NAME, 0.25f),
                        cells(Column.FLOAT, 0.25f, Column.DOUBLE, 0.25d, Column.STRING, "0.25")),
                new Row("double", 1e100, m -> m.writeDouble(1e100), m -> m.setDouble(NAME, 1e100),
                        cells(Column.DOUBLE, 1e100, Column.STRING, "1.0E100")),
                new Row("String", "17", m -> m.writeString("17"), m -> m.setString(NAME, "17"),
                        cells(Column.BOOLEAN, false, Column.BYTE, (byte) 17, Column.SHORT, (short) 17, Column.INT, 17,
                                Column.LONG, 17L, Column.FLOAT, 17f, Column.DOUBLE, 17d, Column.STRING, "17")),
                new Row("byte[]", BYTES, m -> m.writeBytes(BYTES), m -> m.setBytes(NAME, BYTES),
                        cells(Column.BYTES, BYTES)));
    }

    @TestFactory
    List<DynamicTest> streamMessageCells() {
        List<DynamicTest> tests = new ArrayList<>();
        for (Row row : rows()) {
            for (Column column : Column.values()) {
                String cell = "stream: " + row.type() + " read as " + column;
                tests.add(DynamicTest.dynamicTest(cell, () -> {
                    KeelStreamMessage m = new KeelStreamMessage();
                    row.streamWriter().write(m);
                    m.writeString("next");
                    m.reset();
                    if (row.readable().containsKey(column)) {
                        assertValue(row.readable().get(column), column.read(m), cell);
                    } else {
                        assertThrows(MessageFormatException.class, () -> column.read(m), cell);
                        assertValue(row.value(), m.readObject(), "position unchanged after " + cell);
                    }
                    assertEquals("next", m.readString(), "the read moved exactly one field");
                }));
            }
        }
        return tests;
    }

    @TestFactory
    List<DynamicTest> mapMessageCells() {
        List<DynamicTest> tests = new ArrayList<>();
        for (Row row : rows()) {
            for (Column column : Column.values()) {
                String cell = "map: " + row.type() + " read as " + column;
                tests.add(DynamicTest.dynamicTest(cell, () -> {
                    KeelMapMessage typed = new KeelMapMessage();
                    row.mapWriter().write(typed);
                    KeelMapMessage objectified = new KeelMapMessage();
                    objectified.setObject(NAME, row.value());
                    for (KeelMapMessage m : List.of(typed, objectified)) {
                        assertValue(row.value(), m.getObject(NAME), "getObject keeps the type");
                        if (row.readable().containsKey(column)) {
                            assertValue(row.readable().get(column), column.read(m, NAME), cell);
                        } else {
                            assertThrows(MessageFormatException.class, () -> column.read(m, NAME), cell);
                        }
                    }
                }));
            }
        }
        return tests;
    }

    /** Spec 3.11.3: null reads as valueOf(null) of the primitive, and as a char it throws NullPointerException. */
    @Test
    void aNullStreamFieldReadsAsNullAndKeepsThePositionOnFailure() throws JMSException {
        KeelStreamMessage m = new KeelStreamMessage();
        m.writeObject(null);
        m.reset();
        assertThrows(NumberFormatException.class, m::readByte);
        assertThrows(NumberFormatException.class, m::readShort);
        assertThrows(NumberFormatException.class, m::readInt);
        assertThrows(NumberFormatException.class, m::readLong);
        assertThrows(NullPointerException.class, m::readFloat);
        assertThrows(NullPointerException.class, m::readDouble);
        assertThrows(NullPointerException.class, m::readChar);
        assertFalse(m.readBoolean());
        m.reset();
        assertNull(m.readString());
        m.reset();
        assertEquals(-1, m.readBytes(new byte[4]));
        m.reset();
        assertNull(m.readObject());
    }

    @Test
    void aMissingMapEntryReadsAsNull() throws JMSException {
        KeelMapMessage m = new KeelMapMessage();
        assertFalse(m.getBoolean("missing"));
        assertThrows(NumberFormatException.class, () -> m.getByte("missing"));
        assertThrows(NumberFormatException.class, () -> m.getShort("missing"));
        assertThrows(NumberFormatException.class, () -> m.getInt("missing"));
        assertThrows(NumberFormatException.class, () -> m.getLong("missing"));
        assertThrows(NullPointerException.class, () -> m.getFloat("missing"));
        assertThrows(NullPointerException.class, () -> m.getDouble("missing"));
        assertThrows(NullPointerException.class, () -> m.getChar("missing"));
        assertNull(m.getString("missing"));
        assertNull(m.getBytes("missing"));
        assertNull(m.getObject("missing"));
    }

    @Test
    void anUnparsableStringKeepsTheStreamPosition() throws JMSException {
        KeelStreamMessage m = new KeelStreamMessage();
        m.writeString("abc");
        m.reset();
        assertThrows(NumberFormatException.class, m::readInt);
        assertThrows(NumberFormatException.class, m::readDouble);
        assertEquals("abc", m.readString());
    }

    private static void assertValue(Object expected, Object actual, String message) {
        if (expected instanceof byte[] bytes) {
            assertArrayEquals(bytes, (byte[]) actual, message);
        } else {
            assertEquals(expected, actual, message);
        }
    }
}
