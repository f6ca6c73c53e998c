package io.keelmq.jms;

import jakarta.jms.JMSConsumer;
import jakarta.jms.Message;
import jakarta.jms.MessageListener;

import static io.keelmq.jms.JmsExceptionSupport.unchecked;

/** The simplified API's consumer: a {@link KeelMessageConsumer} with unchecked exceptions and receiveBody. */
final class KeelJMSConsumer implements JMSConsumer {
    private final KeelMessageConsumer consumer;

    KeelJMSConsumer(KeelMessageConsumer consumer) {
        this.consumer = consumer;
    }

    @Override
    public String getMessageSelector() {
        return unchecked(consumer::getMessageSelector);
    }

    @Override
    public MessageListener getMessageListener() {
        return unchecked(consumer::getMessageListener);
    }

    @Override
    public void setMessageListener(MessageListener listener) {
        unchecked(() -> consumer.setMessageListener(listener));
    }

    @Override
    public Message receive() {
        return unchecked(() -> consumer.receive());
    }

    @Override
    public Message receive(long timeout) {
        return unchecked(() -> consumer.receive(timeout));
    }

    @Override
    public Message receiveNoWait() {
        return unchecked(consumer::receiveNoWait);
    }

    @Override
    public void close() {
        unchecked(consumer::close);
    }

    @Override
    public <T> T receiveBody(Class<T> type) {
        return unchecked(() -> consumer.receiveBody(type, -1));
    }

    /** @param timeout 0 waits without limit, as for receive */
    @Override
    public <T> T receiveBody(Class<T> type, long timeout) {
        return unchecked(() -> consumer.receiveBody(type, timeout <= 0 ? -1 : timeout));
    }

    @Override
    public <T> T receiveBodyNoWait(Class<T> type) {
        return unchecked(() -> consumer.receiveBody(type, 0));
    }
}
