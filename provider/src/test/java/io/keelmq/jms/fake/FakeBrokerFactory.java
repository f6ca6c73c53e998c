package io.keelmq.jms.fake;

import io.keelmq.protocol.vm.InVmBroker;
import io.keelmq.protocol.vm.InVmBrokerFactory;

import java.util.Map;

/** The ServiceLoader entry that makes {@code vm://name} reach the {@link FakeBroker} of that name. */
public final class FakeBrokerFactory implements InVmBrokerFactory {

    @Override
    public InVmBroker startOrJoin(String name, Map<String, String> options) {
        FakeBroker broker = FakeBroker.named(name);
        synchronized (broker) {
            broker.startOptions = Map.copyOf(options);
        }
        return broker;
    }
}
