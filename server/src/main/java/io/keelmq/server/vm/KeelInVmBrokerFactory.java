package io.keelmq.server.vm;

import io.keelmq.protocol.vm.FrameSink;
import io.keelmq.protocol.vm.InVmBroker;
import io.keelmq.protocol.vm.InVmBrokerFactory;
import io.keelmq.server.Broker;
import io.keelmq.server.config.BrokerConfig;
import io.keelmq.server.config.ConfigKeys;
import io.keelmq.server.config.ConfigLoader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.HashMap;
import java.util.Map;

/**
 * {@code vm://name}: found by the client through {@link java.util.ServiceLoader}. Starts one
 * broker per name per JVM, with the options as broker settings; it opens no TCP port unless
 * the options give {@code listenPort}, and without {@code storePathRootDir} it keeps its data
 * in a fresh temporary directory deleted when the JVM exits.
 */
public final class KeelInVmBrokerFactory implements InVmBrokerFactory {
    private static final Logger LOG = LoggerFactory.getLogger(KeelInVmBrokerFactory.class);
    private static final Map<String, Broker> BROKERS = new HashMap<>();

    @Override
    public InVmBroker startOrJoin(String name, Map<String, String> options) throws Exception {
        Broker broker;
        synchronized (BROKERS) {
            broker = BROKERS.get(name);
            if (broker == null || !broker.isRunning()) {
                broker = start(name, options == null ? Map.of() : options);
                BROKERS.put(name, broker);
            }
        }
        Broker joined = broker;
        return new InVmBroker() {
            @Override
            public FrameSink connect(FrameSink toClient) {
                return joined.connectInVm(toClient, name);
            }
        };
    }

    /** The running in-VM broker of that name, or null (for tests and tools in the same JVM). */
    public static Broker find(String name) {
        synchronized (BROKERS) {
            return BROKERS.get(name);
        }
    }

    private static Broker start(String name, Map<String, String> options) throws Exception {
        Map<String, String> settings = new HashMap<>(options);
        settings.putIfAbsent(ConfigKeys.LISTEN_PORT.name(), "-1");
        Path temporary = null;
        if (!settings.containsKey(ConfigKeys.STORE_PATH_ROOT_DIR.name())) {
            temporary = Files.createTempDirectory("keel-vm-" + sanitize(name) + "-");
            settings.put(ConfigKeys.STORE_PATH_ROOT_DIR.name(), temporary.toString());
        }
        BrokerConfig config = ConfigLoader.fromMap(settings);
        Broker broker = Broker.start(config);
        Path toDelete = temporary;
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            broker.close();
            if (toDelete != null) {
                deleteRecursively(toDelete);
            }
        }, "keel-vm-shutdown-" + name));
        LOG.info("in-VM broker '{}' started (store {})", name, config.storePathRootDir());
        return broker;
    }

    private static String sanitize(String name) {
        return name.replaceAll("[^A-Za-z0-9._-]", "_");
    }

    private static void deleteRecursively(Path dir) {
        try {
            Files.walkFileTree(dir, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                    Files.deleteIfExists(file);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult postVisitDirectory(Path d, IOException e) throws IOException {
                    Files.deleteIfExists(d);
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            LOG.warn("cannot delete in-VM broker data {}: {}", dir, e.toString());
        }
    }
}
