package io.keelmq.bench.broker;

/** A broker JVM's heap after a full GC: bytes in use (the live set), committed by the JVM, and its -Xmx. */
public record HeapFigures(long usedBytes, long committedBytes, long maxBytes) {
    public double usedMiB() {
        return usedBytes / (1024.0 * 1024.0);
    }
}
