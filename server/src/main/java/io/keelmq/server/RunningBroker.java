package io.keelmq.server;

import io.keelmq.server.config.BrokerConfig;
import io.keelmq.server.config.ConfigException;
import io.keelmq.server.config.ConfigKeys;
import io.keelmq.server.ha.controller.ControllerMain;
import io.keelmq.server.ha.controller.ControllerServer;
import io.keelmq.store.io.FileLayer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.InetSocketAddress;

/**
 * The broker of a keel-server process. In controller mode, a master that the controller replaced (it was cut off, or
 * an operator elected another) is fenced; this restarts it in place, on the same ports, so that it comes back as a
 * slave of the new master, which has it cut what diverged into quarantine/ (the epoch file) before it copies on. A
 * slave the controller elects is restarted in place too, so that its copy's state outside the commit log is settled
 * and loaded as at any start of a slave's copy as master (PromotedReplica).
 * Closing the store and opening it again is the path every broker start already takes; no master duty (delayed
 * delivery, check-backs, transaction recovery) survives into the slave.
 * The embedded controller peer ({@code enableControllerInBroker}) belongs to the process, not to the broker: it
 * keeps running through a restart in place. Restarting it with the broker would cost the controller its Raft leader
 * right when that broker is elected, with the killed master's peer already gone.
 */
final class RunningBroker implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(RunningBroker.class);

    private final BrokerConfig config;
    private final FileLayer layer;
    /** The process's embedded controller peer, or null. */
    private final ControllerServer controller;
    private volatile Broker broker;
    private boolean closed;

    private RunningBroker(BrokerConfig config, FileLayer layer, ControllerServer controller) {
        this.config = config;
        this.layer = layer;
        this.controller = controller;
    }

    static RunningBroker start(BrokerConfig config, FileLayer layer)
            throws ConfigException, IOException, InterruptedException {
        config.validate();
        ControllerServer controller = config.get(ConfigKeys.ENABLE_CONTROLLER_IN_BROKER)
                ? ControllerMain.start(config) : null;
        RunningBroker running = new RunningBroker(config, layer, controller);
        try {
            running.broker = Broker.start(config, layer, controller);
        } catch (ConfigException | IOException | InterruptedException | RuntimeException e) {
            running.closeController();
            throw e;
        }
        running.broker.onReplaced(running::restartAsync);
        return running;
    }

    Broker current() {
        return broker;
    }

    private void restartAsync() {
        Thread thread = new Thread(this::restart, "keel-rejoin");
        thread.setDaemon(false);
        thread.start();
    }

    private synchronized void restart() {
        if (closed) {
            return;
        }
        Broker old = broker;
        BrokerConfig.Builder again = config.toBuilder();
        InetSocketAddress clients = old.listenAddress();
        if (clients != null) {
            again.set(ConfigKeys.LISTEN_PORT, clients.getPort());
        }
        if (old.tlsListenAddress() != null) {
            again.set(ConfigKeys.TLS_PORT, old.tlsListenAddress().getPort());
        }
        if (old.ha() != null && old.ha().haAddress() != null) {
            again.set(ConfigKeys.HA_LISTEN_PORT, old.ha().haAddress().getPort());
        }
        LOG.warn("controller mode: restarting the broker in place (replaced as master, it rejoins as a slave; elected "
                + "while following, it loads its replicated state and takes the mastership)");
        old.close();
        for (int attempt = 1; ; attempt++) {
            try {
                broker = Broker.start(again.build(), layer, controller);
                broker.onReplaced(this::restartAsync);
                LOG.info("restarted in place; waiting for the controller's decision");
                return;
            } catch (Exception e) {
                if (attempt >= 10) {
                    LOG.error("cannot restart the broker after it was replaced as master; exiting", e);
                    Runtime.getRuntime().halt(1);
                }
                LOG.warn("restart attempt {} failed ({}); trying again", attempt, e.toString());
                try {
                    Thread.sleep(1_000);
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    @Override
    public synchronized void close() {
        closed = true;
        broker.close();
        closeController();
    }

    private void closeController() {
        if (controller != null) {
            try {
                controller.close();
            } catch (IOException e) {
                LOG.warn("embedded controller close: {}", e.toString());
            }
        }
    }
}
