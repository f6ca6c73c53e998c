package io.keelmq.bench.broker;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Where RocketMQ comes from: the bench-rocketmq module's build output ({@code bench-rocketmq/target}), i.e. its
 * classes (the launchers and the client bridge) and {@code rocketmq-classpath.txt}, the RocketMQ 5 jars Maven resolved
 * from Maven Central for it. None of it is on keel-bench's own class path: the name server and broker run in child
 * JVMs with this class path, and the client is loaded in a {@link URLClassLoader} of its own whose parent is the
 * platform class loader, so rocketmq-client's netty-all, fastjson, grpc, guava and shaded logging never meet
 * KeelMQ's or Artemis's jars (nor the Artemis child JVM, which starts with keel-bench's class path).
 */
public final class RocketMqJars {
    static final String CLASSPATH_FILE = "rocketmq-classpath.txt";
    private static final Map<Path, ClassLoader> LOADERS = new ConcurrentHashMap<>();

    private final Path target;

    private RocketMqJars(Path target) {
        this.target = target;
    }

    /** @throws IllegalArgumentException naming what is missing and how to build it */
    public static RocketMqJars in(Path target) {
        if (target == null || !Files.isDirectory(target.resolve("classes"))
                || !Files.isRegularFile(target.resolve(CLASSPATH_FILE))) {
            throw new IllegalArgumentException("RocketMQ's jars are not built at " + target + " (classes/ and "
                    + CLASSPATH_FILE + "); build them with `mvn -pl bench-rocketmq package -DskipTests` from the "
                    + "repository root, or pass --rocketmq-dir");
        }
        return new RocketMqJars(target.toAbsolutePath());
    }

    /** The class path of the RocketMQ JVMs: this module's classes, then RocketMQ's jars. */
    String classPath() {
        return String.join(java.io.File.pathSeparator, entries());
    }

    private List<String> entries() {
        List<String> entries = new ArrayList<>();
        entries.add(target.resolve("classes").toString());
        try {
            for (String entry : Files.readString(target.resolve(CLASSPATH_FILE), StandardCharsets.UTF_8).trim()
                    .split(java.io.File.pathSeparator)) {
                if (!entry.isBlank()) {
                    entries.add(entry.trim());
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + target.resolve(CLASSPATH_FILE), e);
        }
        return entries;
    }

    /** The client's class loader, one per JVM (the client's static state, its client instances, lives in it). */
    ClassLoader clientClassLoader() {
        return LOADERS.computeIfAbsent(target, dir -> {
            List<URL> urls = new ArrayList<>();
            for (String entry : entries()) {
                try {
                    urls.add(Path.of(entry).toUri().toURL());
                } catch (MalformedURLException e) {
                    throw new IllegalArgumentException("bad class path entry " + entry, e);
                }
            }
            return new URLClassLoader("rocketmq-client", urls.toArray(URL[]::new), ClassLoader.getPlatformClassLoader());
        });
    }
}
