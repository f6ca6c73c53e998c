package io.keelmq.server.config;

import java.util.Objects;
import java.util.function.Function;

/**
 * One configuration key: its name, how to parse it, its default, what makes a value
 * acceptable and a one-line description for {@code --help}. The table of all keys is
 * {@link ConfigKeys}; adding a key is adding one line there.
 *
 * @param <T> the parsed type
 */
public final class ConfigKey<T> {
    /** Parses the text form; throws IllegalArgumentException with a message saying what was expected. */
    @FunctionalInterface
    public interface Parser<T> {
        T parse(String text);
    }

    private final String name;
    private final String typeName;
    private final Parser<T> parser;
    private final T defaultValue;
    private final Function<T, String> validator;
    private final String description;

    /**
     * @param validator returns null for an acceptable value, else the problem ("must be positive")
     */
    ConfigKey(String name, String typeName, Parser<T> parser, T defaultValue, Function<T, String> validator,
              String description) {
        this.name = Objects.requireNonNull(name);
        this.typeName = typeName;
        this.parser = parser;
        this.defaultValue = defaultValue;
        this.validator = validator == null ? value -> null : validator;
        this.description = description;
        String problem = this.validator.apply(defaultValue);
        if (problem != null) {
            throw new ExceptionInInitializerError("default of " + name + " is invalid: " + problem);
        }
    }

    public String name() {
        return name;
    }

    public String typeName() {
        return typeName;
    }

    public T defaultValue() {
        return defaultValue;
    }

    public String description() {
        return description;
    }

    /** Parses and validates {@code text}; the exception names this key and the bad value. */
    public T parse(String text) throws ConfigException {
        String trimmed = text == null ? "" : text.trim();
        T value;
        try {
            value = parser.parse(trimmed);
        } catch (RuntimeException e) {
            throw new ConfigException("bad value '" + trimmed + "' for key " + name + ": expected " + typeName
                    + (e.getMessage() == null ? "" : " (" + e.getMessage() + ")"));
        }
        String problem = validator.apply(value);
        if (problem != null) {
            throw new ConfigException("bad value '" + trimmed + "' for key " + name + ": " + problem);
        }
        return value;
    }

    /** The default as it would be written in a properties file. */
    public String defaultText() {
        return ConfigKeys.format(defaultValue);
    }

    @Override
    public String toString() {
        return name;
    }
}
