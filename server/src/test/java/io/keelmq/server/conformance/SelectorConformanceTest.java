package io.keelmq.server.conformance;

import jakarta.jms.Connection;
import jakarta.jms.DeliveryMode;
import jakarta.jms.InvalidSelectorException;
import jakarta.jms.InvalidSelectorRuntimeException;
import jakarta.jms.JMSContext;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageProducer;
import jakarta.jms.Queue;
import jakarta.jms.QueueBrowser;
import jakarta.jms.Session;
import jakarta.jms.Topic;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * 3.8 message selection, evaluated by the broker. One queue holds a fixed set of messages; each
 * selector is applied by a QueueBrowser (which the broker filters with the same evaluator it uses
 * for consumers, and which consumes nothing), and the matching message numbers are compared.
 */
class SelectorConformanceTest extends ConformanceTestBase {
    private static final String QUEUE = unique("selected");

    /**
     * Message n: property n (int), colour (String or absent), weight (long), ratio (double), flag
     * (boolean), JMSType, JMSCorrelationID, JMSPriority, delivery mode.
     */
    @BeforeAll
    static void sendMessages() throws Exception {
        try (Connection connection = factory().createConnection()) {
            Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
            MessageProducer producer = session.createProducer(session.createQueue(QUEUE));
            String[] colours = {"red", "blue", null, "green", "it's", "a_b", "a%b", "RED"};
            for (int n = 0; n < colours.length; n++) {
                Message message = session.createMessage();
                message.setIntProperty("n", n);
                if (colours[n] != null) {
                    message.setStringProperty("colour", colours[n]);
                }
                message.setLongProperty("weight", n * 1000L);
                message.setDoubleProperty("ratio", n / 2.0);
                message.setBooleanProperty("flag", n % 2 == 0);
                message.setStringProperty("count", String.valueOf(n));
                message.setJMSType(n < 4 ? "car" : "boat");
                if (n == 3) {
                    message.setJMSCorrelationID("corr");
                }
                producer.send(message, n == 1 ? DeliveryMode.NON_PERSISTENT : DeliveryMode.PERSISTENT, n, 0);
            }
        }
    }

    private List<Integer> selected(String selector) throws JMSException {
        Connection connection = connection();
        Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
        QueueBrowser browser = session.createBrowser(session.createQueue(QUEUE), selector);
        assertEquals(selector.isEmpty() ? null : selector, browser.getMessageSelector());
        List<Integer> numbers = new ArrayList<>();
        Enumeration<?> messages = browser.getEnumeration();
        while (messages.hasMoreElements()) {
            numbers.add(((Message) messages.nextElement()).getIntProperty("n"));
        }
        Collections.sort(numbers);
        return numbers;
    }

    private static List<Integer> numbers(String csv) {
        List<Integer> numbers = new ArrayList<>();
        if (csv != null && !csv.isBlank()) {
            for (String n : csv.trim().split("\\s+")) {
                numbers.add(Integer.parseInt(n));
            }
        }
        return numbers;
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @CsvSource(delimiter = '|', value = {
            // 3.8.1.1 literals and comparisons
            "colour = 'red'                                  | 0",
            "colour = 'it''s'                                | 4",
            "colour <> 'red'                                 | 1 3 4 5 6 7",
            "n > 5                                           | 6 7",
            "n >= 5 AND n <= 6                               | 5 6",
            "weight = 3000                                   | 3",
            "ratio = 1.5                                     | 3",
            "ratio > 2.9E0                                   | 6 7",
            "n = 2.0                                         | 2",
            "flag = TRUE                                     | 0 2 4 6",
            "flag                                            | 0 2 4 6",
            "NOT flag                                        | 1 3 5 7",
            "flag = false AND n < 4                          | 1 3",
            // identifiers are case sensitive, keywords are not
            "Colour = 'red'                                  | ",
            "colour = 'red' or colour = 'blue'               | 0 1",
            // header fields that selectors may use
            "JMSType = 'boat'                                | 4 5 6 7",
            "JMSPriority > 6                                 | 7",
            "JMSDeliveryMode = 'NON_PERSISTENT'              | 1",
            "JMSDeliveryMode = 'PERSISTENT' AND n < 3        | 0 2",
            "JMSCorrelationID = 'corr'                       | 3",
            "JMSCorrelationID IS NULL AND n < 2              | 0 1",
            "JMSMessageID LIKE 'ID:%' AND n = 0              | 0",
            "JMSTimestamp > 0 AND n = 1                      | 1",
            // arithmetic, with Java numeric promotion
            "n * 2 + 1 = 7                                   | 3",
            "-n < -6                                         | 7",
            "weight / 1000 = n AND n > 6                     | 7",
            "ratio * 2 = n AND n < 2                         | 0 1",
            // BETWEEN, IN, LIKE, IS NULL
            "n BETWEEN 2 AND 4                               | 2 3 4",
            "n NOT BETWEEN 1 AND 6                           | 0 7",
            "colour IN ('red', 'green', 'Peru')              | 0 3",
            "colour NOT IN ('red', 'green')                  | 1 4 5 6 7",
            "colour LIKE 'r_d'                               | 0",
            "colour LIKE '%e%'                               | 0 1 3",
            "colour NOT LIKE '%e%'                           | 4 5 6 7",
            "colour LIKE 'a\\_b' ESCAPE '\\'                 | 5",
            "colour LIKE 'a!%b' ESCAPE '!'                   | 6",
            "colour IS NULL                                  | 2",
            "colour IS NOT NULL AND n < 3                    | 0 1",
            "missing IS NULL AND n = 0                       | 0",
            // 3.8.1.2 NULL values: unknown is not a match, three-valued logic
            "missing = 1                                     | ",
            "missing > 1 OR n = 0                            | 0",
            "NOT (missing = 1)                               | ",
            "colour = 'red' OR colour <> 'red'               | 0 1 3 4 5 6 7",
            "missing = 1 AND n = 0                           | ",
            "missing + 1 > 0                                 | ",
            "missing BETWEEN 1 AND 2                         | ",
            "missing IN ('a')                                | ",
            "missing LIKE 'a'                                | ",
            // no conversions in selectors: a String is not a number, comparing unlike types is false
            "count > 1                                       | ",
            "count = '3'                                     | 3",
            "n = '3'                                         | ",
            "flag = 1                                        | ",
            // precedence: NOT, AND, OR; parentheses
            "n = 0 OR n = 1 AND n = 2                        | 0",
            "(n = 0 OR n = 1) AND flag                       | 0",
            "NOT n = 0 AND n < 2                             | 1",
    })
    void s3_8_1_selectorsSelectTheRightMessages(String selector, String expected) throws Exception {
        assertEquals(numbers(expected), selected(selector.trim()));
    }

    @Test
    void s3_8_1_1_emptySelectorMeansNoSelector() throws Exception {
        assertEquals(List.of(0, 1, 2, 3, 4, 5, 6, 7), selected(""));
        Connection connection = connection();
        Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
        assertNull(session.createConsumer(session.createQueue(unique("q")), "").getMessageSelector());
        assertNull(session.createConsumer(session.createQueue(unique("q")), null).getMessageSelector());
    }

    @ParameterizedTest
    @ValueSource(strings = {"colour = ", "n > > 1", "(n = 1", "n = 1)", "colour LIKE 5", "NULL = 1",
            "n IN (1, 2)", "colour = 'open", "n BETWEEN 1", "and = 1", "n = 1 ESCAPE", "colour LIKE 'a' ESCAPE 'ab'",
            "n = 1 2", "1abc = 1"})
    void s3_8_1_1_syntaxErrorsAreRefusedAtConsumerAndBrowserCreation(String selector) throws Exception {
        Connection connection = connection();
        connection.setClientID(unique("selector-client"));
        Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
        Queue queue = session.createQueue(unique("invalid"));
        Topic topic = session.createTopic(unique("invalid-topic"));
        assertThrows(InvalidSelectorException.class, () -> session.createConsumer(queue, selector));
        assertThrows(InvalidSelectorException.class, () -> session.createConsumer(topic, selector));
        assertThrows(InvalidSelectorException.class, () -> session.createConsumer(topic, selector, true));
        assertThrows(InvalidSelectorException.class, () -> session.createBrowser(queue, selector));
        assertThrows(InvalidSelectorException.class, () -> session.createDurableSubscriber(topic, "d", selector, false));
        assertThrows(InvalidSelectorException.class, () -> session.createDurableConsumer(topic, "d", selector, false));
        assertThrows(InvalidSelectorException.class, () -> session.createSharedConsumer(topic, "s", selector));
        assertThrows(InvalidSelectorException.class, () -> session.createSharedDurableConsumer(topic, "sd", selector));
        JMSContext context = context();
        assertThrows(InvalidSelectorRuntimeException.class, () -> context.createConsumer(queue, selector));
        assertThrows(InvalidSelectorRuntimeException.class, () -> context.createBrowser(queue, selector));
        assertThrows(InvalidSelectorRuntimeException.class, () -> context.createSharedConsumer(topic, "s", selector));
    }

    @Test
    void s3_8_consumersReceiveOnlyMatchingMessagesAndOthersStayOnTheQueue() throws Exception {
        Connection connection = connection();
        Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
        Queue queue = session.createQueue(unique("consumer-selector"));
        MessageProducer producer = session.createProducer(queue);
        for (int n = 0; n < 6; n++) {
            Message message = session.createMessage();
            message.setIntProperty("n", n);
            producer.send(message);
        }
        // Integer division with Java promotion: odd numbers only.
        MessageConsumer odd = session.createConsumer(queue, "n / 2 * 2 <> n");
        connection.start();
        List<Integer> got = new ArrayList<>();
        for (Message m : drain(odd, 300)) {
            got.add(m.getIntProperty("n"));
        }
        assertEquals(List.of(1, 3, 5), got);
        odd.close();
        MessageConsumer rest = session.createConsumer(queue);
        got.clear();
        for (Message m : drain(rest, 300)) {
            got.add(m.getIntProperty("n"));
        }
        assertEquals(List.of(0, 2, 4), got);
    }

    @Test
    void s3_8_topicSubscriberWithSelectorGetsOnlyMatchingMessages() throws Exception {
        JMSContext context = context();
        Topic topic = context.createTopic(unique("selected-topic"));
        jakarta.jms.JMSConsumer big = context.createConsumer(topic, "size > 10");
        jakarta.jms.JMSConsumer all = context.createConsumer(topic);
        for (int size : new int[] {5, 20, 8, 11}) {
            context.createProducer().setProperty("size", size).send(topic, "s" + size);
        }
        assertEquals("s20", big.receiveBody(String.class, 5_000));
        assertEquals("s11", big.receiveBody(String.class, 5_000));
        assertNull(big.receiveNoWait());
        for (int size : new int[] {5, 20, 8, 11}) {
            assertEquals("s" + size, all.receiveBody(String.class, 5_000));
        }
    }
}
