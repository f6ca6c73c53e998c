package io.keelmq.bench.broker;

import io.keelmq.bench.load.ConsumeMode;
import io.keelmq.bench.load.LoadClient;
import io.keelmq.bench.load.LoadSpec;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.HashSet;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.LongConsumer;
import java.util.function.LongUnaryOperator;

/**
 * The load on RocketMQ through its own client, {@code rocketmq-client}, which bench-rocketmq's
 * {@code io.keelmq.bench.rocketmq.RocketMqClientBridge} wraps (the choice of producer and consumer and why are
 * there). The bridge lives in RocketMQ's class loader ({@link RocketMqJars}); this class calls its static factories
 * reflectively, once per producer or consumer, and then only through JDK interfaces, which both class loaders share.
 *
 * <p>A keel-bench queue is a RocketMQ topic of the same name with the characters RocketMQ refuses ('.') as '_',
 * created through the admin API before its first producer or consumer, with {@value #MIN_QUEUES} queues (RocketMQ's
 * default for a topic created with {@code mqadmin updateTopic}), or one per consumer when there are more consumers.
 * Producers of a queue share one producer group, consumers one consumer group.
 */
final class RocketMqLoadClient implements LoadClient {
    static final int MIN_QUEUES = 8;
    private static final long TOPIC_ROUTE_TIMEOUT_MILLIS = 60_000;
    private static final String BRIDGE = "io.keelmq.bench.rocketmq.RocketMqClientBridge";

    private final String nameServer;
    private final String broker;
    private final Method createTopic;
    private final Method producer;
    private final Method consumer;
    private final Set<String> topics = new HashSet<>();

    RocketMqLoadClient(ClassLoader loader, String nameServer, String broker) throws ReflectiveOperationException {
        this.nameServer = nameServer;
        this.broker = broker;
        Class<?> bridge = Class.forName(BRIDGE, true, loader);
        createTopic = bridge.getMethod("createTopic", String.class, String.class, String.class, int.class, long.class);
        producer = bridge.getMethod("producer", String.class, String.class, String.class);
        consumer = bridge.getMethod("consumer", String.class, String.class, String.class, int.class, int.class);
    }

    static String topic(String queue) {
        return queue.replaceAll("[^A-Za-z0-9_-]", "_");
    }

    @Override
    public Sender sender(LoadSpec spec, int index) throws Exception {
        refuseJmsOnly(spec);
        String topic = topicFor(spec);
        Object bridged = invoke(producer, nameServer, topic, "keel-bench-producer-" + topic);
        return new BridgedSender(bridged);
    }

    @Override
    public Receiver receiver(LoadSpec spec, int index) throws Exception {
        refuseJmsOnly(spec);
        String topic = topicFor(spec);
        Object bridged = invoke(consumer, nameServer, topic, "keel-bench-consumer-" + topic, index, spec.consumers());
        return new BridgedReceiver(bridged);
    }

    private static void refuseJmsOnly(LoadSpec spec) {
        if (spec.batch() > 0 || spec.producerGroup() != null) {
            throw new IllegalArgumentException("keel-bench drives RocketMQ with plain sends and receives only, not "
                    + "transacted sessions or transactional producers");
        }
        if (spec.consumers() > 0 && spec.consumeMode() != ConsumeMode.AUTO) {
            throw new IllegalArgumentException("keel-bench drives RocketMQ's consumers with its own pull and offset "
                    + "auto-commit only, not the JMS acknowledgement mode " + spec.consumeMode().spelling());
        }
    }

    /** Creates the topic once, before its first producer or consumer; they connect in parallel, hence the lock. */
    private synchronized String topicFor(LoadSpec spec) throws Exception {
        String topic = topic(spec.queue());
        if (topics.add(topic)) {
            invoke(createTopic, nameServer, broker, topic, Math.max(MIN_QUEUES, spec.consumers()),
                    TOPIC_ROUTE_TIMEOUT_MILLIS);
        }
        return topic;
    }

    private static Object invoke(Method method, Object... arguments) throws Exception {
        try {
            return method.invoke(null, arguments);
        } catch (InvocationTargetException e) {
            Throwable cause = e.getCause();
            if (cause instanceof Exception exception) {
                throw exception;
            }
            throw e;
        }
    }

    private static final class BridgedSender implements Sender {
        private final Consumer<byte[]> prepare;
        private final LongUnaryOperator send;
        private final AutoCloseable close;

        @SuppressWarnings("unchecked")
        BridgedSender(Object bridged) {
            this.prepare = (Consumer<byte[]>) bridged;
            this.send = (LongUnaryOperator) bridged;
            this.close = (AutoCloseable) bridged;
        }

        @Override
        public void prepare(byte[] body) {
            prepare.accept(body);
        }

        @Override
        public int send(long stampNanos) {
            return (int) send.applyAsLong(stampNanos);
        }

        @Override
        public int finish() {
            return 0;
        }

        @Override
        public void close() throws Exception {
            close.close();
        }
    }

    private static final class BridgedReceiver implements Receiver {
        private final LongUnaryOperator receive;
        private final AutoCloseable close;

        BridgedReceiver(Object bridged) {
            this.receive = (LongUnaryOperator) bridged;
            this.close = (AutoCloseable) bridged;
        }

        /** The bridge answers with the same two sentinels as {@link Receiver} (RocketMqClientBridge.NO_MESSAGE ...). */
        @Override
        public long receive(long pollMillis) {
            return receive.applyAsLong(pollMillis);
        }

        /** Always pulled: RocketMQ's push consumer is not a JMS MessageListener (--ack-mode listener is refused). */
        @Override
        public boolean listen(LongConsumer arrival) {
            return false;
        }

        @Override
        public void counted() {
            // Offsets are committed by the client (auto-commit), not per message.
        }

        @Override
        public void finish() {
        }

        @Override
        public void close() throws Exception {
            close.close();
        }
    }
}
