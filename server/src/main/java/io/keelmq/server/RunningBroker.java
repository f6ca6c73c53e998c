package io.keelmq.server;

import io.keelmq.server.config.BrokerConfig;
import io.keelmq.server.config.ConfigException;
import io.keelmq.server.config.ConfigKeys;
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
 */
final class RunningBroker implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(RunningBroker.class);

    private final BrokerConfig config;
    private final FileLayer layer;
    private volatile Broker broker;
    private boolean closed;

    private RunningBroker(BrokerConfig config, FileLayer layer) {
        this.config = config;
        this.layer = layer;
    }

    static RunningBroker start(BrokerConfig config, FileLayer layer)
            throws ConfigException, IOException, InterruptedException {
        RunningBroker running = new RunningBroker(config, layer);
        running.broker = Broker.start(config, layer);
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
                broker = Broker.start(again.build(), layer);
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
    }
}
