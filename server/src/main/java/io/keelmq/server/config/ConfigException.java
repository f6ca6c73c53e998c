package io.keelmq.server.config;

/**
 * A configuration problem that stops start-up. The message always names the key and,
 * where there is one, the offending value, so the operator can fix it from the log line alone.
 */
public final class ConfigException extends Exception {
    private static final long serialVersionUID = 1L;

    public ConfigException(String message) {
        super(message);
    }

    public ConfigException(String message, Throwable cause) {
        super(message, cause);
    }
}
