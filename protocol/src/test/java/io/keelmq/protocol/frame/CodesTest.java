package io.keelmq.protocol.frame;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The numeric codes are wire values: these tests pin them so a renumbering is caught. */
class CodesTest {

    @Test
    void requestCodesArePinnedUniqueAndReversible() {
        assertEquals(1, RequestCode.HANDSHAKE.code());
        assertEquals(2, RequestCode.HEARTBEAT.code());
        assertEquals(3, RequestCode.CLOSE.code());
        assertEquals(4, RequestCode.SET_CLIENT_ID.code());
        assertEquals(20, RequestCode.SEND.code());
        assertEquals(32, RequestCode.PULL.code());
        assertEquals(51, RequestCode.DELETE_DESTINATION.code());
        assertEquals(22, RequestCode.CREATE_PRODUCER.code());
        assertEquals(60, RequestCode.ADMIN.code());
        assertEquals(43, RequestCode.END_TRANSACTION.code());
        assertEquals(44, RequestCode.CHECK_TRANSACTION.code());
        assertEquals(70, RequestCode.XA_START.code());
        assertEquals(76, RequestCode.XA_FORGET.code());
        Set<Short> seen = new HashSet<>();
        for (RequestCode rc : RequestCode.values()) {
            assertTrue(seen.add(rc.code()), "duplicate " + rc.code());
            assertEquals(rc, RequestCode.fromCode(rc.code()));
        }
        assertEquals(36, RequestCode.CREDIT.code());
        assertEquals(31, RequestCode.values().length);
    }

    @Test
    void unknownRequestCodesAreRefused() {
        for (short code : new short[] {0, 5, 52, -1, Short.MAX_VALUE, Short.MIN_VALUE}) {
            ProtocolException e = assertThrows(ProtocolException.class, () -> RequestCode.fromCode(code));
            assertEquals(ErrorCode.UNKNOWN_REQUEST, e.errorCode());
            assertEquals("unknown request code " + code, e.getMessage());
        }
    }

    @Test
    void errorCodesArePinnedUniqueAndReversible() {
        assertEquals(1, ErrorCode.MALFORMED_FRAME.code());
        assertEquals(2, ErrorCode.FRAME_TOO_LARGE.code());
        assertEquals(5, ErrorCode.UNSUPPORTED_VERSION.code());
        assertEquals(7, ErrorCode.LIMIT_EXCEEDED.code());
        assertEquals(105, ErrorCode.BUSY.code());
        assertEquals(111, ErrorCode.XA_NOTA.code());
        assertEquals(115, ErrorCode.XA_RBTIMEOUT.code());
        assertEquals(116, ErrorCode.XA_HEURCOM.code());
        assertEquals(117, ErrorCode.XA_HEURRB.code());
        Set<Integer> seen = new HashSet<>();
        for (ErrorCode ec : ErrorCode.values()) {
            assertTrue(seen.add(ec.code()), "duplicate " + ec.code());
            assertEquals(ec, ErrorCode.fromCode(ec.code()));
        }
        ProtocolException e = assertThrows(ProtocolException.class, () -> ErrorCode.fromCode(999));
        assertEquals(ErrorCode.MALFORMED_FRAME, e.errorCode());
    }

    @Test
    void flagsDescribeThemselves() {
        assertEquals("REQUEST", FrameFlags.describe(0));
        assertEquals("RESPONSE|ERROR", FrameFlags.describe(FrameFlags.RESPONSE | FrameFlags.ERROR));
        assertEquals(null, FrameFlags.problem(FrameFlags.ONEWAY | FrameFlags.ERROR));
    }

    @Test
    void limitsValidateTheirValues() {
        assertEquals(16 * 1024 * 1024 + 14 + 64 * 1024, FrameLimits.DEFAULT.maxFrameSize());
        assertEquals(64, FrameLimits.DEFAULT.maxHeaderCount());
        assertThrows(IllegalArgumentException.class, () -> FrameLimits.DEFAULT.withMaxFrameSize(13));
        assertThrows(IllegalArgumentException.class, () -> FrameLimits.DEFAULT.withMaxHeaderCount(65536));
        assertThrows(IllegalArgumentException.class, () -> FrameLimits.DEFAULT.withMaxHeaderBytes(-1));
    }
}
