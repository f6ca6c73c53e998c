package io.keelmq.server.ha.controller;

import io.keelmq.server.config.BrokerConfig;
import io.keelmq.server.config.ConfigException;
import io.keelmq.server.config.ConfigKeys;
import io.keelmq.server.config.ConfigLoader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;

/**
 * {@code bin/keel-controller [--config FILE] --controllerAddr=h:p;h:p;h:p --controllerSelfId=n0
 * [--controllerStorePath=DIR] [--brokerClusterName=...] [--enableElectUncleanMaster=false]}: one peer of a
 * controller that runs apart from the brokers. Keys as keel-server's. Prints {@link #READY_LINE} once its Raft server
 * is up; SIGTERM closes it. Exit codes: 2 for a configuration problem, 1 if it cannot start.
 */
public final class ControllerMain {
    public static final String READY_LINE = "KeelMQ controller listening on ";
    private static final Logger LOG = LoggerFactory.getLogger(ControllerMain.class);

    private ControllerMain() {
    }

    public static void main(String[] args) {
        int exit = launch(args, System.out, System.err);
        if (exit >= 0) {
            System.exit(exit);
        }
    }

    static int launch(String[] args, PrintStream out, PrintStream err) {
        BrokerConfig config;
        try {
            ConfigLoader.CommandLine commandLine = ConfigLoader.parse(args);
            if (commandLine.help()) {
                out.print(ConfigLoader.help());
                out.flush();
                return 0;
            }
            config = commandLine.config();
            if (config.get(ConfigKeys.CONTROLLER_ADDR).isEmpty()) {
                throw new ConfigException("key controllerAddr is required: the controller peers' host:port, "
                        + "separated by ';'");
            }
            ControllerPeers.indexOf(config.get(ConfigKeys.CONTROLLER_SELF_ID), config.get(ConfigKeys.CONTROLLER_ADDR));
        } catch (ConfigException | IllegalArgumentException e) {
            err.println("keel-controller: " + e.getMessage());
            return 2;
        }
        ControllerServer controller;
        try {
            controller = start(config);
        } catch (Exception e) {
            LOG.error("the controller cannot start", e);
            err.println("keel-controller: cannot start: " + e);
            return 1;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                controller.close();
            } catch (Exception e) {
                LOG.warn("controller close: {}", e.toString());
            }
        }, "keel-controller-shutdown"));
        out.println(READY_LINE + controller.address() + " as " + controller.selfId());
        out.flush();
        return -1;
    }

    /** Starts the peer {@code controllerSelfId} that {@code config} describes (also for a broker's embedded one). */
    public static ControllerServer start(BrokerConfig config) throws java.io.IOException {
        List<String> peers = config.get(ConfigKeys.CONTROLLER_ADDR);
        String selfId = config.get(ConfigKeys.CONTROLLER_SELF_ID);
        Path storage = config.get(ConfigKeys.CONTROLLER_STORE_PATH);
        if (storage == null) {
            storage = config.storePathRootDir().resolve("controller");
        }
        return ControllerServer.start(config.get(ConfigKeys.BROKER_CLUSTER_NAME), peers, selfId, storage,
                config.get(ConfigKeys.ENABLE_ELECT_UNCLEAN_MASTER),
                config.get(ConfigKeys.SCAN_NOT_ACTIVE_BROKER_INTERVAL),
                new ControllerServer.LogSettings(config.get(ConfigKeys.CONTROLLER_SNAPSHOT_THRESHOLD),
                        config.get(ConfigKeys.CONTROLLER_LOG_SEGMENT_SIZE)));
    }
}
