package io.keelmq.store.log;

import io.keelmq.store.AppendStatus;
import io.keelmq.store.MessageRecord;
import io.keelmq.store.StoredMessage;
import io.keelmq.store.TxState;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RecordCodecTest {

    private static MessageRecord sample() {
        return MessageRecord.builder("orders.eu").partition(3).tag("A").bornTimestamp(1234L).deliveryCount(2)
                .txState(TxState.PREPARED).messageId("ID:42").keys("k1 k2 ünï")
                .properties("p=1".getBytes(StandardCharsets.UTF_8)).body("hello").build();
    }

    @Test
    void everyFieldSurvivesEncodeStampDecode() throws Exception {
        ByteBuffer bytes = RecordCodec.encode(sample(), 1024);
        RecordCodec.stamp(bytes, 4096, 77, 5555);
        StoredMessage decoded = RecordCodec.decode(bytes, 4096);
        assertEquals(4096, decoded.physicalOffset());
        assertEquals(bytes.remaining(), decoded.size());
        assertEquals("orders.eu", decoded.destination());
        assertEquals(3, decoded.partition());
        assertEquals(77, decoded.queueOffset());
        assertEquals(MessageRecord.tagHash("A"), decoded.tagHash());
        assertEquals(1234L, decoded.bornTimestamp());
        assertEquals(5555L, decoded.storeTimestamp());
        assertEquals(2, decoded.deliveryCount());
        assertEquals(TxState.PREPARED, decoded.txState());
        assertEquals("ID:42", decoded.messageId());
        assertEquals(java.util.List.of("k1", "k2", "ünï"), decoded.keyList());
        assertArrayEquals("p=1".getBytes(StandardCharsets.UTF_8), decoded.properties());
        assertArrayEquals("hello".getBytes(StandardCharsets.UTF_8), decoded.body());
    }

    @Test
    void anyFlippedBitIsDetected() throws Exception {
        ByteBuffer bytes = RecordCodec.encode(sample(), 1024);
        RecordCodec.stamp(bytes, 0, 0, 1);
        for (int position = 0; position < bytes.remaining(); position++) {
            ByteBuffer copy = ByteBuffer.allocate(bytes.remaining()).put(bytes.duplicate()).flip();
            copy.put(position, (byte) (copy.get(position) ^ 0x10));
            assertThrows(CorruptRecordException.class, () -> RecordCodec.decode(copy, 0),
                    "flip at byte " + position + " went unnoticed");
        }
    }

    @Test
    void aRecordReadAtTheWrongOffsetIsRejected() throws Exception {
        ByteBuffer bytes = RecordCodec.encode(sample(), 1024);
        RecordCodec.stamp(bytes, 100, 0, 1);
        CorruptRecordException e = assertThrows(CorruptRecordException.class, () -> RecordCodec.decode(bytes, 200));
        assertTrue(e.getMessage().contains("claims offset 100"), e.getMessage());
    }

    @Test
    void oversizeAndMalformedRecordsAreRefusedWithAStatus() {
        MessageRecord big = MessageRecord.builder("q").body(new byte[2000]).build();
        IllegalRecordException tooBig = assertThrows(IllegalRecordException.class, () -> RecordCodec.encode(big, 1999));
        assertEquals(AppendStatus.MESSAGE_SIZE_EXCEEDED, tooBig.status());
        assertTrue(tooBig.getMessage().contains("maxMessageSize 1999"), tooBig.getMessage());

        MessageRecord noDestination = MessageRecord.builder("").build();
        assertEquals(AppendStatus.MESSAGE_ILLEGAL,
                assertThrows(IllegalRecordException.class, () -> RecordCodec.encode(noDestination, 10)).status());
        MessageRecord longName = MessageRecord.builder("d".repeat(300)).build();
        assertEquals(AppendStatus.MESSAGE_ILLEGAL,
                assertThrows(IllegalRecordException.class, () -> RecordCodec.encode(longName, 10)).status());
    }
}
