package io.keelmq.server.connection;

import io.keelmq.server.config.BrokerConfig;
import io.keelmq.server.consume.BrowseService;
import io.keelmq.server.consume.PullService;
import io.keelmq.server.consume.SubscriptionManager;
import io.keelmq.server.destination.DestinationRegistry;
import io.keelmq.server.security.Authenticator;
import io.keelmq.server.security.Authorizer;
import io.keelmq.server.security.FailedLoginThrottle;
import io.keelmq.server.send.SendService;
import io.keelmq.server.tx.ProducerTransactions;
import io.keelmq.server.tx.TransactionService;
import io.keelmq.server.tx.XaBranches;
import io.keelmq.store.MessageStore;

import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;

/**
 * What request handling needs of the broker; one instance per broker, shared by its connections.
 * {@code authenticator} and {@code authorizer} are null when authentication is disabled: then nothing is checked.
 */
public record BrokerServices(BrokerConfig config, MessageStore store, DestinationRegistry destinations,
                             SubscriptionManager subscriptions, PullService pulls, SendService sends,
                             TransactionService transactions, ProducerTransactions producerTransactions, XaBranches xa,
                             String resourceManagerId,
                             ProducerGroups producerGroups,
                             BrowseService browser, ConnectionRegistry connections, Executor workers,
                             Authenticator authenticator, Authorizer authorizer, FailedLoginThrottle loginThrottle,
                             ScheduledExecutorService timer) {
}
