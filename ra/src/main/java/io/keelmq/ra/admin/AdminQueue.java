package io.keelmq.ra.admin;

import jakarta.jms.JMSException;
import jakarta.jms.Queue;

/** A {@code jakarta.jms.Queue} admin object (ra.xml); property {@code PhysicalName}. */
public class AdminQueue extends AdminDestination implements Queue {
    private static final long serialVersionUID = 1L;

    @Override
    public String getQueueName() throws JMSException {
        return name();
    }

    @Override
    String kind() {
        return "queue";
    }
}
