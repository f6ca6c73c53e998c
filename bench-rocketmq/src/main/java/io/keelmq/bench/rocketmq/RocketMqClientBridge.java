package io.keelmq.bench.rocketmq;

import org.apache.rocketmq.client.consumer.DefaultLitePullConsumer;
import org.apache.rocketmq.client.exception.MQBrokerException;
import org.apache.rocketmq.client.producer.DefaultMQProducer;
import org.apache.rocketmq.client.producer.SendResult;
import org.apache.rocketmq.client.producer.SendStatus;
import org.apache.rocketmq.common.TopicConfig;
import org.apache.rocketmq.common.consumer.ConsumeFromWhere;
import org.apache.rocketmq.common.message.Message;
import org.apache.rocketmq.common.message.MessageExt;
import org.apache.rocketmq.common.message.MessageQueue;
import org.apache.rocketmq.remoting.protocol.ResponseCode;
import org.apache.rocketmq.remoting.protocol.route.TopicRouteData;
import org.apache.rocketmq.tools.admin.DefaultMQAdminExt;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.LongUnaryOperator;

/**
 * What keel-bench's load loop needs from {@code rocketmq-client}, behind JDK types only, because keel-bench loads
 * this class in a class loader of its own (the client's netty-all, fastjson, grpc and logging stay off keel-bench's
 * class path). keel-bench calls the public static methods reflectively once per producer or consumer and then
 * only through {@link Consumer}, {@link LongUnaryOperator} and {@link AutoCloseable}.
 *
 * <p>Producers: a {@link DefaultMQProducer} each, synchronous {@code send}, with its own client instance (its own
 * connection, as every KeelMQ and Artemis producer has), no retry by the client (a send retried after a timeout may
 * store a message twice, and the count check would blame the broker) except of a send the broker refused as busy
 * before storing it, VIP channel off. A send counts only with {@code SEND_OK}: under
 * SYNC_FLUSH that is RocketMQ's answer once the message is forced to disk.
 *
 * <p>Consumers: a {@link DefaultLitePullConsumer} each, the nearest thing to keel-bench's JMS consumers, which call
 * {@code receive(100 ms)} in a loop: the application polls, the client prefetches in the background and
 * acknowledges by committing offsets (automatically, at-least-once). Each consumer is <em>assigned</em> a fixed
 * share of the topic's queues instead of joining a rebalancing group: a rebalance while the load starts hands a
 * queue over with messages polled but not committed yet, they are delivered twice, and the count would not match
 * for a reason that is not the broker's.
 */
public final class RocketMqClientBridge {
    /** The user property carrying the send time, as keel-bench's JMS messages carry it. */
    public static final String STAMP_PROPERTY = "benchSendNanos";
    /** What {@code receive} returns when no message came within the poll time. */
    public static final long NO_MESSAGE = Long.MIN_VALUE;
    /** What {@code receive} returns for a message without a stamp. */
    public static final long UNSTAMPED = Long.MIN_VALUE + 1;

    private static final AtomicLong INSTANCES = new AtomicLong();
    private static final int SEND_TIMEOUT_MILLIS = 30_000;

    static {
        RemotingVersion.declare();
    }

    private RocketMqClientBridge() {
    }

    /**
     * Creates {@code topic} with {@code queues} read and write queues on the broker and waits until the name server
     * routes it, so producers and consumers find it at once (auto-creation would route it only after the first send
     * and the consumers' next route refresh, up to 30 s later).
     */
    public static void createTopic(String namesrv, String broker, String topic, int queues, long timeoutMillis)
            throws Exception {
        DefaultMQAdminExt admin = new DefaultMQAdminExt();
        admin.setNamesrvAddr(namesrv);
        admin.setInstanceName("keel-bench-admin-" + INSTANCES.incrementAndGet());
        admin.setVipChannelEnabled(false);
        admin.start();
        try {
            admin.createAndUpdateTopicConfig(broker, new TopicConfig(topic, queues, queues));
            long deadline = System.currentTimeMillis() + timeoutMillis;
            while (true) {
                try {
                    TopicRouteData route = admin.examineTopicRouteInfo(topic);
                    if (route != null && !route.getQueueDatas().isEmpty()) {
                        return;
                    }
                } catch (Exception notYet) {
                    if (System.currentTimeMillis() > deadline) {
                        throw new IllegalStateException("the name server does not route topic " + topic + " within "
                                + timeoutMillis + " ms of its creation", notYet);
                    }
                }
                Thread.sleep(50);
            }
        } finally {
            admin.shutdown();
        }
    }

    /** A started producer for {@code topic}: {@code accept(body)} prepares a message, {@code applyAsLong(stamp)} sends it. */
    public static Object producer(String namesrv, String topic, String group) throws Exception {
        return new Sender(namesrv, topic, group);
    }

    /** A started consumer of queues {@code index}, {@code index + consumers}, ... of {@code topic}. */
    public static Object consumer(String namesrv, String topic, String group, int index, int consumers)
            throws Exception {
        return new Receiver(namesrv, topic, group, index, consumers);
    }

    static final class Sender implements Consumer<byte[]>, LongUnaryOperator, AutoCloseable {
        private final DefaultMQProducer producer;
        private final String topic;
        private Message prepared;

        Sender(String namesrv, String topic, String group) throws Exception {
            this.topic = topic;
            producer = new DefaultMQProducer(group);
            producer.setNamesrvAddr(namesrv);
            producer.setInstanceName("keel-bench-producer-" + INSTANCES.incrementAndGet());
            producer.setVipChannelEnabled(false);
            producer.setRetryTimesWhenSendFailed(0);
            producer.setSendMsgTimeout(SEND_TIMEOUT_MILLIS);
            // Bodies travel as they are, as KeelMQ's and Artemis's do (RocketMQ compresses from 4 KiB by default).
            producer.setCompressMsgBodyOverHowmuch(Integer.MAX_VALUE);
            producer.start();
        }

        @Override
        public void accept(byte[] body) {
            prepared = new Message(topic, body);
        }

        /** Sends the prepared message stamped {@code stamp}; returns 1, the message now counted as sent. */
        @Override
        public long applyAsLong(long stamp) {
            Message message = prepared;
            prepared = null;
            message.putUserProperty(STAMP_PROPERTY, Long.toString(stamp));
            SendResult result = null;
            long deadline = System.nanoTime() + SEND_TIMEOUT_MILLIS * 1_000_000L;
            while (result == null) {
                try {
                    result = producer.send(message);
                } catch (Exception e) {
                    if (!refusedAsBusy(e) || System.nanoTime() - deadline > 0) {
                        throw new IllegalStateException("RocketMQ send failed: " + e, e);
                    }
                }
            }
            if (result.getSendStatus() != SendStatus.SEND_OK) {
                throw new IllegalStateException("RocketMQ answered " + result.getSendStatus() + " to a send: " + result);
            }
            return 1;
        }

        /**
         * Whether the broker refused the message before storing it (SYSTEM_BUSY: it waited longer than
         * {@code waitTimeMillsInSendQueue} in the broker's send queue, RocketMQ's flow control): sending it again
         * cannot store it twice. RocketMQ's producer retries this code itself when retries are on, and so does KeelMQ's
         * synchronous send; every other failure fails the load.
         */
        private static boolean refusedAsBusy(Throwable e) {
            for (Throwable t = e; t != null; t = t.getCause()) {
                if (t instanceof MQBrokerException broker && broker.getResponseCode() == ResponseCode.SYSTEM_BUSY) {
                    return true;
                }
            }
            return false;
        }

        @Override
        public void close() {
            producer.shutdown();
        }
    }

    static final class Receiver implements LongUnaryOperator, AutoCloseable {
        private final DefaultLitePullConsumer consumer;
        private final ArrayDeque<MessageExt> polled = new ArrayDeque<>();

        Receiver(String namesrv, String topic, String group, int index, int consumers) throws Exception {
            consumer = new DefaultLitePullConsumer(group);
            consumer.setNamesrvAddr(namesrv);
            consumer.setInstanceName("keel-bench-consumer-" + INSTANCES.incrementAndGet());
            consumer.setVipChannelEnabled(false);
            consumer.setConsumeFromWhere(ConsumeFromWhere.CONSUME_FROM_FIRST_OFFSET);
            consumer.start();
            List<MessageQueue> all = new ArrayList<>(consumer.fetchMessageQueues(topic));
            all.sort(Comparator.comparing(MessageQueue::getBrokerName).thenComparingInt(MessageQueue::getQueueId));
            List<MessageQueue> mine = new ArrayList<>();
            for (int i = index; i < all.size(); i += consumers) {
                mine.add(all.get(i));
            }
            consumer.assign(mine);
        }

        /** The next message's stamp, {@link #UNSTAMPED}, or {@link #NO_MESSAGE} if none came within {@code pollMillis}. */
        @Override
        public long applyAsLong(long pollMillis) {
            if (polled.isEmpty()) {
                polled.addAll(consumer.poll(pollMillis));
                if (polled.isEmpty()) {
                    return NO_MESSAGE;
                }
            }
            String stamp = polled.poll().getUserProperty(STAMP_PROPERTY);
            return stamp == null ? UNSTAMPED : Long.parseLong(stamp);
        }

        @Override
        public void close() {
            consumer.shutdown();
        }
    }
}
