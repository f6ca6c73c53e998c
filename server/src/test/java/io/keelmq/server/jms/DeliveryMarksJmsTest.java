package io.keelmq.server.jms;

import io.keelmq.server.config.BrokerConfig;
import io.keelmq.server.config.ConfigKeys;
import io.keelmq.server.persist.AtomicTextFile;
import jakarta.jms.Connection;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageProducer;
import jakarta.jms.Queue;
import jakarta.jms.Session;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

/** The "delivered up to" marks a queue's deliveries reserve (see DeliveryMarks), seen in their file. */
class DeliveryMarksJmsTest extends JmsTestBase {
    private static final int CHUNK = 10;

    @Override
    BrokerConfig.Builder brokerConfig() {
        return super.brokerConfig().set(ConfigKeys.DELIVERY_MARK_CHUNK, CHUNK);
    }

    @Test
    void deliveriesPastHalfAChunkReserveTheNextChunkAhead() throws Exception {
        Connection connection = connection(null);
        Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
        Queue queue = session.createQueue("marks");
        MessageProducer producer = session.createProducer(queue);
        // One producer session: all its messages go to one partition, at offsets 0 to 5.
        for (int i = 0; i < 6; i++) {
            producer.send(session.createTextMessage("m" + i));
        }
        MessageConsumer consumer = session.createConsumer(queue);
        connection.start();
        for (int i = 0; i < 6; i++) {
            assertNotNull(consumer.receive(5_000), "message " + i);
        }
        // Offset 0 reserved the first chunk (mark 10) before its delivery; offset 5 is half-way through it, so the
        // claim reserved the next chunk (mark 20) once it let go of the subscription, before answering the pull.
        assertEquals(List.of(20L), marks("marks"));
    }

    /** The marks recorded for the subscriptions whose key contains {@code name}, one per partition delivered from. */
    private List<Long> marks(String name) throws Exception {
        List<Long> marks = new ArrayList<>();
        AtomicTextFile file = new AtomicTextFile(dir.resolve("config").resolve("delivery-marks"), "");
        for (String[] record : file.read()) {
            if (record[0].contains(name)) {
                marks.add(Long.parseLong(record[2]));
            }
        }
        return marks;
    }
}
