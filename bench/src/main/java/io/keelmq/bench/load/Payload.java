package io.keelmq.bench.load;

/** A message body of the requested size; varied bytes, so nothing on the path can shrink it. */
final class Payload {
    private Payload() {
    }

    static byte[] of(int size) {
        byte[] body = new byte[size];
        for (int i = 0; i < size; i++) {
            body[i] = (byte) (i * 31 + 7);
        }
        return body;
    }
}
