package io.keelmq.protocol.frame;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Strict UTF-8 for every string on the wire.
 *
 * <p>The JDK's convenience methods silently replace what they cannot code with '?' or
 * U+FFFD. That would break the promise of an exact round trip without anyone noticing, so
 * here an unpaired surrogate is refused when encoding (the caller's bug, hence
 * IllegalArgumentException) and invalid bytes are refused when decoding (the peer's bug,
 * hence ProtocolException).
 */
public final class Utf8 {
    private Utf8() {
    }

    /**
     * The UTF-8 bytes of {@code s}.
     *
     * @param what names the string in the error message
     * @throws IllegalArgumentException if {@code s} holds an unpaired surrogate
     */
    public static byte[] encode(String s, String what) {
        if (isAscii(s)) {
            // The common case (names, ids, headers) needs no encoder object.
            byte[] out = new byte[s.length()];
            for (int i = 0; i < out.length; i++) {
                out[i] = (byte) s.charAt(i);
            }
            return out;
        }
        try {
            ByteBuffer encoded = StandardCharsets.UTF_8.newEncoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .encode(CharBuffer.wrap(s));
            byte[] out = new byte[encoded.remaining()];
            encoded.get(out);
            return out;
        } catch (CharacterCodingException e) {
            throw new IllegalArgumentException(what + " is not valid Unicode (unpaired surrogate)", e);
        }
    }

    /**
     * The string whose UTF-8 encoding is {@code bytes[offset, offset+length)}.
     *
     * @throws ProtocolException ({@link ErrorCode#MALFORMED_FRAME}) if the bytes are not valid UTF-8
     */
    public static String decode(byte[] bytes, int offset, int length, String what) {
        if (isAscii(bytes, offset, length)) {
            return new String(bytes, offset, length, StandardCharsets.US_ASCII);
        }
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes, offset, length))
                    .toString();
        } catch (CharacterCodingException e) {
            throw new ProtocolException(ErrorCode.MALFORMED_FRAME, what + " is not valid UTF-8", e);
        }
    }

    private static boolean isAscii(byte[] bytes, int offset, int length) {
        for (int i = offset; i < offset + length; i++) {
            if (bytes[i] < 0) {
                return false;
            }
        }
        return true;
    }

    private static boolean isAscii(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) >= 0x80) {
                return false;
            }
        }
        return true;
    }
}
