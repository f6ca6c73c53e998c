package io.keelmq.bench.rocketmq;

import org.apache.rocketmq.common.MQVersion;
import org.apache.rocketmq.remoting.protocol.RemotingCommand;

/**
 * The protocol version a RocketMQ JVM puts in its requests. RocketMQ's own start-up classes (NamesrvStartup,
 * BrokerStartup) set it as a system property before anything else; a JVM that builds the controllers itself must do
 * the same, or its requests say version 0 and the name server reads a broker's registration in the pre-3.0.11 format,
 * losing every topic: the broker registers, and no topic is ever routed.
 */
final class RemotingVersion {
    private RemotingVersion() {
    }

    static void declare() {
        System.setProperty(RemotingCommand.REMOTING_VERSION_KEY, Integer.toString(MQVersion.CURRENT_VERSION));
    }
}
