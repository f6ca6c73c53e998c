package io.keelmq.protocol.message;

import io.keelmq.protocol.frame.ProtocolException;
import io.keelmq.protocol.frame.Utf8;

/**
 * The body of a TextMessage: the text as strict UTF-8. A null text is a null body and an
 * empty text an empty body, so the two stay distinct, as {@code getText()} must report
 * exactly what was set.
 */
public final class TextBody {
    private TextBody() {
    }

    /**
     * @return null for null text, otherwise its UTF-8 bytes
     * @throws IllegalArgumentException if the text holds an unpaired surrogate, which UTF-8
     *     cannot represent (sending it would silently change the text)
     */
    public static byte[] encode(String text) {
        return text == null ? null : Utf8.encode(text, "message text");
    }

    /**
     * @return null for a null body, otherwise the text
     * @throws ProtocolException if the body is not valid UTF-8
     */
    public static String decode(byte[] body) {
        return body == null ? null : Utf8.decode(body, 0, body.length, "message text");
    }
}
