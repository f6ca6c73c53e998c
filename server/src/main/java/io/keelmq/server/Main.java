package io.keelmq.server;

import io.keelmq.server.config.BrokerConfig;
import io.keelmq.server.config.ConfigException;
import io.keelmq.server.config.ConfigKeys;
import io.keelmq.server.config.ConfigLoader;
import io.keelmq.store.io.ChannelFileLayer;
import io.keelmq.store.io.FileLayer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.PrintStream;
import java.net.InetSocketAddress;

/**
 * {@code bin/keel-server [--config FILE] [--key=value ...]}. Exit codes: 0 after {@code --help},
 * 2 for a configuration problem (the message names the key and value), 1 if the broker cannot
 * start. Once serving it prints {@code KeelMQ broker listening on HOST:PORT} on standard
 * output (scripts and tests wait for that line), then, with {@code tlsEnabled}, the TLS listener's
 * {@code KeelMQ broker listening for TLS (keel+ssl://) on HOST:PORT}; SIGTERM shuts it down cleanly and exits 0,
 * or exits 1 if the shutdown did not finish within {@code shutdownTimeoutMillis} (see {@link SigtermShutdown}).
 */
public final class Main {
    /** Printed once the broker accepts connections. */
    public static final String READY_LINE = "KeelMQ broker listening on ";
    /** Printed after {@link #READY_LINE} when {@code tlsEnabled}: where {@code keel+ssl://} clients connect. */
    /** Printed before {@link #READY_LINE} by a master with an HA listener: where its slaves connect. */
    public static final String HA_READY_LINE = "KeelMQ broker listening for slaves (haListenPort) on ";
    public static final String TLS_READY_LINE = "KeelMQ broker listening for TLS (keel+ssl://) on ";

    private static final Logger LOG = LoggerFactory.getLogger(Main.class);

    private Main() {
    }

    public static void main(String[] args) {
        main(args, ChannelFileLayer.INSTANCE);
    }

    /** {@link #main(String[])} with the store's files on {@code layer} (tests: a small file system without root). */
    public static void main(String[] args, FileLayer layer) {
        int exit = launch(args, System.out, System.err, layer);
        if (exit >= 0) {
            System.exit(exit);
        }
    }

    /** Starts the broker; returns an exit code, or -1 if the broker is running. */
    static int launch(String[] args, PrintStream out, PrintStream err) {
        return launch(args, out, err, ChannelFileLayer.INSTANCE);
    }

    private static int launch(String[] args, PrintStream out, PrintStream err, FileLayer layer) {
        ConfigLoader.CommandLine commandLine;
        try {
            commandLine = ConfigLoader.parse(args);
        } catch (ConfigException e) {
            err.println("keel-server: " + e.getMessage());
            return 2;
        }
        if (commandLine.help()) {
            out.print(ConfigLoader.help());
            out.flush();
            return 0;
        }
        BrokerConfig config = commandLine.config();
        RunningBroker running;
        try {
            running = RunningBroker.start(config, layer);
        } catch (ConfigException e) {
            err.println("keel-server: " + e.getMessage());
            return 2;
        } catch (Exception e) {
            LOG.error("the broker cannot start", e);
            err.println("keel-server: cannot start: " + e);
            return 1;
        }
        // SIGTERM: bounded by shutdownTimeoutMillis, exit 0 (SigtermShutdown); the hook covers SIGINT and exit().
        Runtime.getRuntime().addShutdownHook(new Thread(running::close, "keel-shutdown-hook"));
        SigtermShutdown.install(running::close, config.get(ConfigKeys.SHUTDOWN_TIMEOUT_MILLIS));
        Broker broker = running.current();
        LOG.info("KeelMQ {} started: store {}, flushDiskType {}, recovery: {}", BrokerVersion.VERSION,
                config.storePathRootDir().toAbsolutePath(), config.flushDiskType(), broker.store().recoveryReport());
        InetSocketAddress address = broker.listenAddress();
        InetSocketAddress tlsAddress = broker.tlsListenAddress();
        if (broker.ha() != null && broker.ha().haAddress() != null) {
            InetSocketAddress ha = broker.ha().haAddress();
            out.println(HA_READY_LINE + ha.getHostString() + ":" + ha.getPort());
        }
        if (address != null) {
            out.println(READY_LINE + address.getHostString() + ":" + address.getPort());
        } else if (tlsAddress == null) {
            out.println("KeelMQ broker running without a TCP listener (listenPort=-1)");
        }
        if (tlsAddress != null) {
            out.println(TLS_READY_LINE + tlsAddress.getHostString() + ":" + tlsAddress.getPort());
        }
        out.flush();
        return -1;
    }
}
