package io.keelmq.jms;

/**
 * Which session's callback the current thread is running, if any. The spec lets a provider refuse close() and stop()
 * from a message listener on its own session or connection (6.1.5, 6.1.8, 6.2.15), and requires it to refuse close
 * from a CompletionListener (7.3.5); refusing both keeps those paths free of self-deadlock.
 */
final class DeliveryContext {
    private static final ThreadLocal<KeelSession> LISTENER = new ThreadLocal<>();
    private static final ThreadLocal<KeelSession> COMPLETION = new ThreadLocal<>();

    private DeliveryContext() {
    }

    static void enterListener(KeelSession session) {
        LISTENER.set(session);
    }

    static void exitListener() {
        LISTENER.remove();
    }

    static void enterCompletion(KeelSession session) {
        COMPLETION.set(session);
    }

    static void exitCompletion() {
        COMPLETION.remove();
    }

    /** The session whose MessageListener this thread is running, or null. */
    static KeelSession listenerSession() {
        return LISTENER.get();
    }

    /** The session whose CompletionListener this thread is running, or null. */
    static KeelSession completionSession() {
        return COMPLETION.get();
    }
}
