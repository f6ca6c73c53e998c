package io.keelmq.jms.provider;

import jakarta.jms.ResourceAllocationException;

/** The broker answered BUSY: its send queue is backed up. Nothing was stored; back off and retry. */
public class BrokerBusyException extends ResourceAllocationException {
    private static final long serialVersionUID = 1L;

    public BrokerBusyException(String reason) {
        super(reason, "BUSY");
    }
}
