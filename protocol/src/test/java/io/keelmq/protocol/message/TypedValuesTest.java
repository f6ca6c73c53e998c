package io.keelmq.protocol.message;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.keelmq.protocol.frame.ErrorCode;
import io.keelmq.protocol.frame.ProtocolException;
import io.netty.buffer.Unpooled;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TypedValuesTest {

    /** One value of every map/stream type, with edge cases. */
    private static List<Object> allValues() {
        List<Object> values = new ArrayList<>();
        values.add(null);
        values.add(Boolean.FALSE);
        values.add(Byte.MIN_VALUE);
        values.add(Short.MIN_VALUE);
        values.add(Integer.MIN_VALUE);
        values.add(Long.MIN_VALUE);
        values.add(Float.NaN);
        values.add(Float.NEGATIVE_INFINITY);
        values.add(Double.NaN);
        values.add(Double.POSITIVE_INFINITY);
        values.add("");
        values.add("\uD83D\uDE00 \u4e2d\u6587");
        values.add(new byte[0]);
        values.add(new byte[] {-1, 0, 1});
        values.add('\u0000');
        values.add('\uffff');
        values.add('\uD800'); // a lone surrogate is a legal char value: it travels as a code unit
        return values;
    }

    private static void assertValuesEqual(List<Object> expected, List<Object> actual) {
        assertEquals(expected.size(), actual.size());
        for (int i = 0; i < expected.size(); i++) {
            Object e = expected.get(i);
            Object a = actual.get(i);
            if (e instanceof byte[]) {
                assertArrayEquals((byte[]) e, (byte[]) a, "element " + i);
            } else {
                assertEquals(e, a, "element " + i);
                if (e != null) {
                    assertEquals(e.getClass(), a.getClass(), "type of element " + i);
                }
            }
        }
    }

    @Test
    void streamOfEveryTypeRoundTripsInOrder() {
        List<Object> values = allValues();
        assertValuesEqual(values, TypedValues.decodeStream(TypedValues.encodeStream(values)));
        assertEquals(List.of(), TypedValues.decodeStream(TypedValues.encodeStream(List.of())));
        assertEquals(List.of(), TypedValues.decodeStream(null));
    }

    @Test
    void mapOfEveryTypeRoundTripsInInsertionOrder() {
        Map<String, Object> map = new LinkedHashMap<>();
        List<Object> values = allValues();
        for (int i = values.size() - 1; i >= 0; i--) {
            map.put("name-" + i + "-\u00e9", values.get(i));
        }
        Map<String, Object> decoded = TypedValues.decodeMap(TypedValues.encodeMap(map));
        assertEquals(new ArrayList<>(map.keySet()), new ArrayList<>(decoded.keySet()));
        assertValuesEqual(new ArrayList<>(map.values()), new ArrayList<>(decoded.values()));
        assertTrue(decoded.containsKey("name-0-\u00e9"), "null values keep their entry");
        assertNull(decoded.get("name-0-\u00e9"));
        assertTrue(TypedValues.decodeMap(null).isEmpty());
    }

    @Test
    void valueEncodingIsTagThenBigEndianPayload() {
        assertArrayEquals(new byte[] {0, 0, 0, 2, 4, 0, 0, 1, 0, 10, 0, 65},
                TypedValues.encodeStream(List.of(256, 'A')));
        assertArrayEquals(new byte[] {0, 0, 0, 1, 8, 0, 0, 0, 2, (byte) 0xC3, (byte) 0xA9},
                TypedValues.encodeStream(List.of("\u00e9")));
        for (ValueType type : ValueType.values()) {
            assertEquals(type, ValueType.fromTag(type.tag()), "tags follow declaration order");
        }
        assertNull(ValueType.fromTag((byte) 11));
        assertNull(ValueType.fromTag((byte) -1));
    }

    @Test
    void unsupportedTypesAndBadNamesAreRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> TypedValues.encodeStream(List.of(1, new Object())));
        assertTrue(e.getMessage().contains("java.lang.Object"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> TypedValues.encodeStream(List.of(List.of())));
        Map<String, Object> emptyName = new LinkedHashMap<>();
        emptyName.put("", 1);
        assertThrows(IllegalArgumentException.class, () -> TypedValues.encodeMap(emptyName));
        Map<String, Object> nullName = new LinkedHashMap<>();
        nullName.put(null, 1);
        assertThrows(IllegalArgumentException.class, () -> TypedValues.encodeMap(nullName));
    }

    @Test
    void duplicateMapNamesAndBadBooleansAreMalformed() {
        byte[] dup = Unpooled.buffer().writeInt(2)
                .writeInt(1).writeByte('a').writeByte(ValueType.INT.tag()).writeInt(1)
                .writeInt(1).writeByte('a').writeByte(ValueType.INT.tag()).writeInt(2).array();
        byte[] bytes = Arrays.copyOf(dup, 4 + 2 * 10);
        ProtocolException e = assertThrows(ProtocolException.class, () -> TypedValues.decodeMap(bytes));
        assertEquals(ErrorCode.MALFORMED_FRAME, e.errorCode());
        assertEquals("malformed map body: duplicate map entry name 'a'", e.getMessage());

        byte[] badBool = {0, 0, 0, 1, ValueType.BOOLEAN.tag(), 7};
        assertEquals("malformed stream body: boolean value must be 0 or 1 but is 7",
                assertThrows(ProtocolException.class, () -> TypedValues.decodeStream(badBool)).getMessage());

        byte[] hugeCount = {0x7f, -1, -1, -1};
        assertEquals("truncated stream body: value tag needs 1 bytes but only 0 remain",
                assertThrows(ProtocolException.class, () -> TypedValues.decodeStream(hugeCount)).getMessage());
    }

    @Test
    void textBodyKeepsNullEmptyAndUnicodeApart() {
        assertNull(TextBody.encode(null));
        assertNull(TextBody.decode(null));
        assertArrayEquals(new byte[0], TextBody.encode(""));
        assertEquals("", TextBody.decode(new byte[0]));
        String text = "a\u00e9\u4e2d\uD83D\uDE00";
        assertEquals(1 + 2 + 3 + 4, TextBody.encode(text).length);
        assertEquals(text, TextBody.decode(TextBody.encode(text)));
        ProtocolException e = assertThrows(ProtocolException.class,
                () -> TextBody.decode(new byte[] {(byte) 0xF0, (byte) 0x9F}));
        assertEquals(ErrorCode.MALFORMED_FRAME, e.errorCode());
        assertEquals("message text is not valid UTF-8", e.getMessage());
    }
}
