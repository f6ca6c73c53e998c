package io.keelmq.server.config;

/** RocketMQ's broker roles. Only a standalone master exists so far; see {@link BrokerConfig#validate()}. */
public enum BrokerRole {
    /** A master that answers sends once stored locally (replicas, when there are some, follow later). */
    ASYNC_MASTER,
    /** A master that answers sends only once a replica has the message too. */
    SYNC_MASTER,
    /** A replica of a master. */
    SLAVE
}
