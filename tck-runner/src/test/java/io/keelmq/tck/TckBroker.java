package io.keelmq.tck;

import io.keelmq.server.Broker;
import io.keelmq.server.config.BrokerConfig;
import io.keelmq.server.config.ConfigKeys;
import io.keelmq.server.security.PasswordHash;
import io.keelmq.server.security.UserEntry;
import io.keelmq.server.security.UsersFile;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * The broker the TCK runs against: the port reserved by the build (system property
 * {@code keel.tck.port}, also written into jndi.properties), a fresh store directory
 * ({@code keel.tck.dataDir}), and authentication on with the users the TCK logs in as.
 */
final class TckBroker {

    /** The TCK's users: {@code user}/{@code password} from its settings, and javajoe for the security tests. */
    static final List<String[]> USERS = List.of(new String[] {"j2ee", "j2ee"}, new String[] {"javajoe", "javajoe"});

    private TckBroker() {
    }

    static int port() {
        return Integer.parseInt(required("keel.tck.port"));
    }

    static Broker start() throws Exception {
        Path dataDir = Path.of(required("keel.tck.dataDir"));
        deleteRecursively(dataDir);
        Files.createDirectories(dataDir);
        Path usersFile = dataDir.resolve("users");
        UsersFile.write(usersFile, USERS.stream()
                .map(u -> new UserEntry(u[0], PasswordHash.create(u[1].toCharArray()), List.of("tck")))
                .toList());
        BrokerConfig config = BrokerConfig.builder()
                .set(ConfigKeys.LISTEN_PORT, port())
                .set(ConfigKeys.STORE_PATH_ROOT_DIR, dataDir.resolve("store"))
                .set(ConfigKeys.AUTHENTICATION_ENABLED, true)
                .set(ConfigKeys.USERS_FILE, usersFile)
                .build();
        return Broker.start(config);
    }

    private static String required(String property) {
        String value = System.getProperty(property);
        if (value == null || value.isBlank() || value.startsWith("${")) {
            throw new IllegalStateException("system property " + property
                    + " is not set; run the TCK through Maven (see tck-runner/README.md)");
        }
        return value;
    }

    private static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        }
    }
}
