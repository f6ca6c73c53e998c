package io.keelmq.ra.admin;

import jakarta.jms.JMSException;
import jakarta.jms.Topic;

/** A {@code jakarta.jms.Topic} admin object (ra.xml); property {@code PhysicalName}. */
public class AdminTopic extends AdminDestination implements Topic {
    private static final long serialVersionUID = 1L;

    @Override
    public String getTopicName() throws JMSException {
        return name();
    }

    @Override
    String kind() {
        return "topic";
    }
}
