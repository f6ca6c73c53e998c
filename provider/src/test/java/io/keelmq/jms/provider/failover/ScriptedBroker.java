package io.keelmq.jms.provider.failover;

import io.keelmq.jms.provider.AckMode;
import io.keelmq.jms.provider.BrowsePage;
import io.keelmq.jms.provider.BrowseRequest;
import io.keelmq.jms.provider.ConnectRequest;
import io.keelmq.jms.provider.ConnectionFailedException;
import io.keelmq.jms.provider.ConnectionInfo;
import io.keelmq.jms.provider.ConsumerInfo;
import io.keelmq.jms.provider.DeliveryCallback;
import io.keelmq.jms.provider.HalfSendResult;
import io.keelmq.jms.provider.Position;
import io.keelmq.jms.provider.Provider;
import io.keelmq.jms.provider.ProviderListener;
import io.keelmq.jms.provider.PullCredit;
import io.keelmq.jms.provider.PullRequest;
import io.keelmq.jms.provider.SendCallback;
import io.keelmq.jms.provider.SendRequest;
import io.keelmq.jms.provider.SendResult;
import io.keelmq.jms.provider.Undelivered;
import io.keelmq.jms.provider.XaBranchId;
import io.keelmq.jms.transport.HostAndPort;
import io.keelmq.protocol.message.DestinationRef;
import jakarta.jms.JMSException;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * One broker as a failing-over provider sees it: a {@link Provider} per connection that records every request,
 * answers sends with a scripted status, refuses as a slave (NOT_MASTER naming a master) when told to, and can lose
 * its connections. No network: the failover logic alone is under test.
 */
final class ScriptedBroker {
    final HostAndPort address;
    /** Every request of every connection, as "NAME args". */
    final List<String> requests = new CopyOnWriteArrayList<>();
    final List<SendRequest> sends = new CopyOnWriteArrayList<>();
    final List<Connection> connections = new CopyOnWriteArrayList<>();
    volatile boolean up = true;
    volatile String sendStatus = "SEND_OK";
    /** The next send reaches the broker, which dies before it answers. */
    volatile boolean crashOnNextSend;
    /** Non-null: a slave of this master, refusing every write. */
    volatile HostAndPort slaveOf;
    /** What its HANDSHAKE answer lists as its group's brokers (host:port). */
    volatile List<String> groupBrokers = List.of();

    ScriptedBroker(int port) {
        this.address = new HostAndPort("127.0.0.1", port);
    }

    Connection newConnection() {
        Connection c = new Connection();
        connections.add(c);
        return c;
    }

    /** The broker dies: every open connection is lost, and no new one is accepted until {@link #up} again. */
    void crash() {
        up = false;
        for (Connection c : connections) {
            c.lose();
        }
    }

    final class Connection implements Provider {
        private volatile ProviderListener listener;
        private volatile boolean closed;
        private volatile ConnectionInfo info;
        private final List<DeliveryCallback> heldPulls = new CopyOnWriteArrayList<>();

        void lose() {
            if (!closed) {
                closed = true;
                ConnectionFailedException lost = new ConnectionFailedException("connection to " + address + " lost",
                        null);
                heldPulls.forEach(p -> p.onFailure(lost));
                if (listener != null) {
                    listener.onConnectionFailure(lost);
                }
            }
        }

        private void check(String request) throws JMSException {
            if (closed) {
                throw new ConnectionFailedException("connection to " + address + " lost", null);
            }
            requests.add(request);
        }

        private void write(String request) throws JMSException {
            check(request);
            if (slaveOf != null) {
                throw new JMSException(request + " failed with NOT_MASTER: this broker is a SLAVE (brokerRole) of "
                        + "the master at " + slaveOf + "; send to the master", "NOT_MASTER");
            }
        }

        @Override
        public ConnectionInfo connect(ConnectRequest request, ProviderListener l) throws JMSException {
            if (!up) {
                throw new ConnectionFailedException("could not connect to " + address + ": refused", null);
            }
            listener = l;
            requests.add("HANDSHAKE " + request.clientId());
            info = new ConnectionInfo(1, address + "#" + connections.size(), "test", 0, "rm-" + address.port(),
                    groupBrokers);
            return info;
        }

        @Override
        public ConnectionInfo connectionInfo() {
            return info;
        }

        @Override
        public void setClientId(String clientId) throws JMSException {
            check("SET_CLIENT_ID " + clientId);
        }

        @Override
        public void createSession(long sessionId, AckMode ackMode) throws JMSException {
            check("CREATE_SESSION " + sessionId + " " + ackMode);
        }

        @Override
        public void closeSession(long sessionId, List<Undelivered> undelivered) throws JMSException {
            check("CLOSE_SESSION " + sessionId);
        }

        @Override
        public void createConsumer(ConsumerInfo consumer) throws JMSException {
            write("CREATE_CONSUMER " + consumer.consumerId() + " " + consumer.subscriptionName());
        }

        @Override
        public void closeConsumer(long consumerId, List<Undelivered> undelivered) throws JMSException {
            check("CLOSE_CONSUMER " + consumerId);
        }

        @Override
        public void createProducer(long producerId, DestinationRef destination) throws JMSException {
            write("CREATE_PRODUCER " + producerId);
        }

        @Override
        public void createProducer(long producerId, DestinationRef destination, String producerGroup)
                throws JMSException {
            write("CREATE_PRODUCER " + producerId + " " + producerGroup);
        }

        @Override
        public HalfSendResult sendHalf(SendRequest request, String producerGroup) throws JMSException {
            write("SEND_HALF");
            return new HalfSendResult("SEND_OK", "id", "tx");
        }

        @Override
        public String endTransaction(String transactionId, String decision, boolean fromCheck) throws JMSException {
            write("END_TRANSACTION " + transactionId);
            return "COMMITTED";
        }

        @Override
        public SendResult send(SendRequest request) throws JMSException {
            write("SEND retry=" + request.retry());
            sends.add(request);
            if (crashOnNextSend) {
                crashOnNextSend = false;
                crash();
                throw new ConnectionFailedException("connection to " + address + " lost", null);
            }
            return new SendResult(sendStatus, "id", 0, sends.size());
        }

        @Override
        public void send(SendRequest request, SendCallback callback) {
            try {
                callback.onSuccess(send(request));
            } catch (JMSException e) {
                callback.onFailure(e);
            }
        }

        @Override
        public void pull(PullRequest request, DeliveryCallback callback) {
            try {
                write("PULL " + request.consumerId());
                heldPulls.add(callback);
            } catch (JMSException e) {
                callback.onFailure(e);
            }
        }

        @Override
        public void credit(PullCredit credit) {
            try {
                write("CREDIT " + credit.consumerId() + " " + credit.standingId() + " " + credit.messages() + " "
                        + credit.bytes());
            } catch (JMSException e) {
                // dropped, as a CREDIT on a lost connection is
            }
        }

        List<DeliveryCallback> heldPulls() {
            return new ArrayList<>(heldPulls);
        }

        @Override
        public void acknowledge(long consumerId, List<Position> positions) throws JMSException {
            write("ACK " + consumerId);
        }

        @Override
        public CompletableFuture<Void> acknowledgeAsync(long consumerId, List<Position> positions, boolean awaited) {
            try {
                acknowledge(consumerId, positions);
                return CompletableFuture.completedFuture(null);
            } catch (JMSException e) {
                return CompletableFuture.failedFuture(e);
            }
        }

        @Override
        public void await(CompletableFuture<Void> answer) {
            answer.join();
        }

        @Override
        public void recover(long sessionId, List<Undelivered> undelivered, Runnable onAnswer) throws JMSException {
            check("RECOVER " + sessionId);
            onAnswer.run();
        }

        @Override
        public void commit(long sessionId, List<Undelivered> consumed) throws JMSException {
            write("COMMIT " + sessionId);
        }

        @Override
        public void rollback(long sessionId, List<Undelivered> consumed, Runnable onAnswer) throws JMSException {
            check("ROLLBACK " + sessionId);
            onAnswer.run();
        }

        @Override
        public void unsubscribe(String subscriptionName) throws JMSException {
            write("UNSUBSCRIBE " + subscriptionName);
        }

        @Override
        public BrowsePage browse(BrowseRequest request) throws JMSException {
            write("BROWSE");
            return null;
        }

        @Override
        public void createDestination(DestinationRef destination) throws JMSException {
            write("CREATE_DESTINATION " + destination.name());
        }

        @Override
        public void deleteDestination(DestinationRef destination) throws JMSException {
            write("DELETE_DESTINATION " + destination.name());
        }

        @Override
        public void xaStart(long sessionId, XaBranchId xid, int flags, int timeoutSeconds) throws JMSException {
            write("XA_START");
        }

        @Override
        public void xaEnd(long sessionId, XaBranchId xid, int flags, List<Undelivered> consumed) throws JMSException {
            write("XA_END");
        }

        @Override
        public boolean xaPrepare(XaBranchId xid) throws JMSException {
            write("XA_PREPARE");
            return false;
        }

        @Override
        public void xaCommit(XaBranchId xid, boolean onePhase) throws JMSException {
            write("XA_COMMIT");
        }

        @Override
        public void xaRollback(XaBranchId xid) throws JMSException {
            write("XA_ROLLBACK");
        }

        @Override
        public void xaForget(XaBranchId xid) throws JMSException {
            write("XA_FORGET");
        }

        @Override
        public List<XaBranchId> xaRecover() throws JMSException {
            check("XA_RECOVER");
            return List.of();
        }

        @Override
        public boolean isClosed() {
            return closed;
        }

        @Override
        public void close() {
            closed = true;
        }
    }
}
