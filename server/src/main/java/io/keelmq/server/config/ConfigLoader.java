package io.keelmq.server.config;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;

/**
 * Builds a {@link BrokerConfig} from the command line: {@code --config FILE} (a properties
 * file) first, then every {@code --key=value} over it, whatever their order on the line.
 */
public final class ConfigLoader {

    private ConfigLoader() {
    }

    /** What the command line asked for. */
    public record CommandLine(boolean help, BrokerConfig config) {
    }

    /** Parses {@code args}; a bad argument, key or value is a ConfigException naming it. */
    public static CommandLine parse(String[] args) throws ConfigException {
        Path file = null;
        boolean help = false;
        List<String[]> overrides = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (arg.equals("--help") || arg.equals("-h")) {
                help = true;
            } else if (arg.equals("--config")) {
                if (i + 1 >= args.length) {
                    throw new ConfigException("--config needs a file name");
                }
                file = Path.of(args[++i]);
            } else if (arg.startsWith("--config=")) {
                file = Path.of(arg.substring("--config=".length()));
            } else if (arg.startsWith("--") && arg.indexOf('=') > 2) {
                int eq = arg.indexOf('=');
                overrides.add(new String[] {arg.substring(2, eq), arg.substring(eq + 1)});
            } else {
                throw new ConfigException("bad argument '" + arg + "': expected --config FILE, --key=value or --help");
            }
        }
        if (help) {
            return new CommandLine(true, BrokerConfig.defaults());
        }
        BrokerConfig.Builder builder = BrokerConfig.builder();
        if (file != null) {
            for (Map.Entry<String, String> entry : readProperties(file).entrySet()) {
                builder.set(entry.getKey(), entry.getValue());
            }
        }
        for (String[] override : overrides) {
            builder.set(override[0], override[1]);
        }
        BrokerConfig config = builder.build();
        config.validate();
        return new CommandLine(false, config);
    }

    /** Builds a configuration from key/value strings (the in-VM broker's options). */
    public static BrokerConfig fromMap(Map<String, String> settings) throws ConfigException {
        BrokerConfig.Builder builder = BrokerConfig.builder();
        for (Map.Entry<String, String> entry : new TreeMap<>(settings).entrySet()) {
            builder.set(entry.getKey(), entry.getValue());
        }
        BrokerConfig config = builder.build();
        config.validate();
        return config;
    }

    private static Map<String, String> readProperties(Path file) throws ConfigException {
        Properties properties = new Properties();
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            properties.load(reader);
        } catch (IOException e) {
            throw new ConfigException("cannot read configuration file " + file + ": " + e, e);
        }
        Map<String, String> sorted = new TreeMap<>();
        for (String name : properties.stringPropertyNames()) {
            sorted.put(name, properties.getProperty(name));
        }
        return sorted;
    }

    /** The {@code --help} text: usage and one line per key with its default. */
    public static String help() {
        StringBuilder out = new StringBuilder();
        out.append("Usage: keel-server [--config FILE] [--key=value ...]\n");
        out.append("Settings (a properties file given with --config, then --key=value overriding it):\n");
        for (ConfigKey<?> key : ConfigKeys.all()) {
            out.append(String.format("  %-30s %s (default: %s)%n", key.name(), key.description(),
                    key.defaultText()));
        }
        return out.toString();
    }
}
