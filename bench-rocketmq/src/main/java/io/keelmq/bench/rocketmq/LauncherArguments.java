package io.keelmq.bench.rocketmq;

import java.util.HashMap;
import java.util.Map;

/** {@code --key=value} arguments of the launchers; keel-bench writes them, so a missing or odd one is a bug there. */
final class LauncherArguments {
    private final Map<String, String> values = new HashMap<>();

    LauncherArguments(String[] args) {
        for (String arg : args) {
            int equals = arg.indexOf('=');
            if (!arg.startsWith("--") || equals < 3) {
                throw new IllegalArgumentException("expected --key=value, got '" + arg + "'");
            }
            values.put(arg.substring(2, equals), arg.substring(equals + 1));
        }
    }

    String required(String key) {
        String value = values.get(key);
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException("--" + key + " is required");
        }
        return value;
    }

    int requiredInt(String key) {
        return Integer.parseInt(required(key));
    }
}
