package io.keelmq.jms.provider;

import io.keelmq.jms.transport.Transport;
import io.keelmq.jms.transport.TransportListener;
import io.keelmq.protocol.frame.Frame;
import io.keelmq.protocol.frame.RequestCode;
import io.keelmq.protocol.message.BodyType;
import io.keelmq.protocol.message.WireMessage;
import io.keelmq.protocol.message.WireMessageCodec;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import jakarta.jms.JMSException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A standing pull expects frames only while its window has room: the transport's reader thread reads for it then,
 * and leaves callers to read their own answers while the broker can send it nothing (see {@link StandingWindow}).
 */
class StandingWindowTest {
    private static final int MESSAGE_BYTES = WireMessageCodec.encode(message()).length;

    /** Answers the HANDSHAKE at once, keeps every other frame, and lets the test play the broker's answers. */
    private static final class ScriptedTransport implements Transport {
        final List<Frame> sent = new CopyOnWriteArrayList<>();
        volatile TransportListener listener;

        @Override
        public void connect(TransportListener l) {
            listener = l;
        }

        @Override
        public CompletableFuture<Void> send(Frame frame) {
            sent.add(frame);
            if (!frame.isResponse() && frame.requestCode() == RequestCode.HANDSHAKE) {
                listener.onFrame(Frame.responseTo(frame, Map.of("protocolVersion", "1", "connectionId", "c1",
                        "brokerVersion", "test", "heartbeatInterval", "0"), null));
            }
            return CompletableFuture.completedFuture(null);
        }

        Frame last(RequestCode code) {
            for (int i = sent.size() - 1; i >= 0; i--) {
                Frame f = sent.get(i);
                if (f.requestCode() == code) {
                    return f;
                }
            }
            throw new AssertionError("no " + code + " was sent: " + sent);
        }

        @Override
        public void close() {
        }

        @Override
        public String describe() {
            return "scripted";
        }
    }

    private final ScriptedTransport transport = new ScriptedTransport();
    private final FrameProvider provider = new FrameProvider(transport, 10_000);
    private final List<Integer> delivered = new CopyOnWriteArrayList<>();

    @BeforeEach
    void connect() throws JMSException {
        provider.connect(new ConnectRequest(null, null, null, 0), new ProviderListener() {
            @Override
            public void onConnectionFailure(JMSException cause) {
            }
        });
    }

    @AfterEach
    void close() {
        transport.listener.onClosed(new RuntimeException("test over"));
    }

    @Test
    void aStandingPullExpectsFramesOnlyWhileItsMessageWindowHasRoom() {
        provider.pull(new PullRequest(7, 3, 1 << 20, 15_000, 1), recording());
        Frame pull = transport.last(RequestCode.PULL);
        assertTrue(expects(), "the window has room for 3 messages");
        partial(pull, 2);
        assertTrue(expects(), "one more message may come");
        partial(pull, 1);
        assertFalse(expects(), "the broker sends nothing more until a CREDIT");
        provider.credit(new PullCredit(7, 1, 2, 1 << 20));
        assertFalse(expects(), "a CREDIT below what was received widens nothing");
        provider.credit(new PullCredit(7, 1, 5, 1 << 20));
        assertTrue(expects(), "two more messages may come");
        partial(pull, 2);
        assertFalse(expects());
        transport.listener.onFrame(Frame.responseTo(pull, null, body(0)));
        assertFalse(expects(), "the pull ended");
        assertEquals(List.of(2, 1, 2, 0), delivered);
    }

    @Test
    void aStandingPullWhoseBytesAreUsedUpExpectsNothingUntilACreditWidensThem() {
        provider.pull(new PullRequest(7, 100, 2L * MESSAGE_BYTES, 15_000, 4), recording());
        Frame pull = transport.last(RequestCode.PULL);
        partial(pull, 1);
        assertTrue(expects(), "one message's bytes are left");
        partial(pull, 1);
        assertFalse(expects(), "the byte window is used up");
        provider.credit(new PullCredit(7, 4, 100, 3L * MESSAGE_BYTES));
        assertTrue(expects());
        provider.credit(new PullCredit(7, 3, 100, 10L * MESSAGE_BYTES));
        partial(pull, 1);
        assertFalse(expects(), "a CREDIT for an older standing pull is not this one's");
    }

    @Test
    void aOneShotPullExpectsItsAnswerUntilItComes() {
        provider.pull(new PullRequest(7, 1, 1 << 20, 15_000), recording());
        Frame pull = transport.last(RequestCode.PULL);
        assertTrue(expects());
        transport.listener.onFrame(Frame.responseTo(pull, null, body(1)));
        assertFalse(expects());
    }

    private boolean expects() {
        return transport.listener.expectsUnawaitedFrames();
    }

    private void partial(Frame pull, int messages) {
        transport.listener.onFrame(Frame.responseTo(pull, Map.of("more", "true"), body(messages)));
    }

    private DeliveryCallback recording() {
        return new DeliveryCallback() {
            @Override
            public void onPartial(List<Delivery> deliveries) {
                delivered.add(deliveries.size());
            }

            @Override
            public void onDeliveries(List<Delivery> deliveries) {
                delivered.add(deliveries.size());
            }

            @Override
            public void onFailure(JMSException failure) {
                delivered.add(-1);
            }
        };
    }

    private static WireMessage message() {
        WireMessage m = new WireMessage();
        m.setBody(BodyType.BYTES, new byte[100]);
        return m;
    }

    private static byte[] body(int messages) {
        ByteBuf out = Unpooled.buffer();
        out.writeInt(messages);
        for (int i = 0; i < messages; i++) {
            byte[] encoded = WireMessageCodec.encode(message());
            out.writeInt(0);
            out.writeLong(i);
            out.writeInt(1);
            out.writeInt(encoded.length);
            out.writeBytes(encoded);
        }
        return ByteBufUtil.getBytes(out);
    }
}
