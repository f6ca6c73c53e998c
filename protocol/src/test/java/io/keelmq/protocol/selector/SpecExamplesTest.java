package io.keelmq.protocol.selector;

import static io.keelmq.protocol.selector.TestMessages.matches;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The examples given in Jakarta Messaging 3.1 section 3.8.1, each checked both ways. */
class SpecExamplesTest {

    @Test
    void carExample() {
        String selector = "JMSType = 'car' AND color = 'blue' AND weight > 2500";
        assertTrue(matches(selector, "JMSType", "car", "color", "blue", "weight", 2600));
        assertFalse(matches(selector, "JMSType", "car", "color", "blue", "weight", 2500));
        assertFalse(matches(selector, "JMSType", "truck", "color", "blue", "weight", 2600));
        assertFalse(matches(selector, "JMSType", "car", "color", "Blue", "weight", 2600));
        assertFalse(matches(selector, "JMSType", "car", "color", "blue"));
    }

    @Test
    void stringPropertyIsNotConvertedForArithmetic() {
        // setStringProperty("NumberOfOrders", "2"): "NumberOfOrders > 1" is false.
        assertFalse(matches("NumberOfOrders > 1", "NumberOfOrders", "2"));
        assertTrue(matches("NumberOfOrders > 1", "NumberOfOrders", 2));
    }

    @Test
    void literalsFromTheSpec() {
        assertTrue(matches("s = 'literal''s'", "s", "literal's"));
        assertTrue(matches("n = 57", "n", 57));
        assertTrue(matches("n = -957", "n", -957));
        assertTrue(matches("n = +62", "n", 62));
        assertTrue(matches("d = 7E3", "d", 7000.0));
        assertTrue(matches("d = -57.9E2", "d", -5790.0));
        assertTrue(matches("d = 7.", "d", 7.0));
        assertTrue(matches("d = -95.7", "d", -95.7));
        assertTrue(matches("d = +6.2", "d", 6.2));
    }

    @Test
    void between() {
        assertTrue(matches("age BETWEEN 15 AND 19", "age", 15));
        assertTrue(matches("age BETWEEN 15 AND 19", "age", 19));
        assertFalse(matches("age BETWEEN 15 AND 19", "age", 14));
        assertFalse(matches("age BETWEEN 15 AND 19", "age", 20));
        assertTrue(matches("age NOT BETWEEN 15 AND 19", "age", 14));
        assertTrue(matches("age NOT BETWEEN 15 AND 19", "age", 20));
        assertFalse(matches("age NOT BETWEEN 15 AND 19", "age", 17));
    }

    @Test
    void in() {
        assertTrue(matches("Country IN ('UK', 'US', 'France')", "Country", "UK"));
        assertFalse(matches("Country IN ('UK', 'US', 'France')", "Country", "Peru"));
        assertFalse(matches("Country NOT IN ('UK', 'US', 'France')", "Country", "UK"));
        assertTrue(matches("Country NOT IN ('UK', 'US', 'France')", "Country", "Peru"));
        assertFalse(matches("Country IN ('UK', 'US', 'France')"));
        assertFalse(matches("Country NOT IN ('UK', 'US', 'France')"));
    }

    @Test
    void like() {
        assertTrue(matches("phone LIKE '12%3'", "phone", "123"));
        assertTrue(matches("phone LIKE '12%3'", "phone", "12993"));
        assertFalse(matches("phone LIKE '12%3'", "phone", "1234"));
        assertTrue(matches("word LIKE 'l_se'", "word", "lose"));
        assertFalse(matches("word LIKE 'l_se'", "word", "loose"));
        assertTrue(matches("underscored LIKE '\\_%' ESCAPE '\\'", "underscored", "_foo"));
        assertFalse(matches("underscored LIKE '\\_%' ESCAPE '\\'", "underscored", "bar"));
        assertFalse(matches("phone NOT LIKE '12%3'", "phone", "123"));
        assertFalse(matches("phone NOT LIKE '12%3'", "phone", "12993"));
        assertTrue(matches("phone NOT LIKE '12%3'", "phone", "1234"));
        assertFalse(matches("phone LIKE '12%3'"));
        assertFalse(matches("phone NOT LIKE '12%3'"));
    }

    @Test
    void isNullAndIsNotNull() {
        assertTrue(matches("prop_name IS NULL"));
        assertFalse(matches("prop_name IS NULL", "prop_name", "x"));
        assertTrue(matches("prop_name IS NOT NULL", "prop_name", 0));
        assertFalse(matches("prop_name IS NOT NULL"));
    }

    @Test
    void jmsDeliveryModeIsComparedAsAString() {
        assertTrue(matches("JMSDeliveryMode = 'PERSISTENT'", "JMSDeliveryMode", SelectorContext.PERSISTENT));
        assertFalse(matches("JMSDeliveryMode = 'PERSISTENT'", "JMSDeliveryMode", SelectorContext.NON_PERSISTENT));
        assertTrue(matches("JMSDeliveryMode = 'NON_PERSISTENT'", "JMSDeliveryMode", "NON_PERSISTENT"));
    }

    @Test
    void dateAsMillisecondInteger() {
        assertTrue(matches("JMSTimestamp > 1700000000000", "JMSTimestamp", 1700000000001L));
        assertFalse(matches("JMSTimestamp > 1700000000000", "JMSTimestamp", 1700000000000L));
    }
}
