package io.keelmq.bench.rocketmq;

import org.apache.rocketmq.broker.BrokerController;
import org.apache.rocketmq.common.BrokerConfig;
import org.apache.rocketmq.remoting.netty.NettyClientConfig;
import org.apache.rocketmq.remoting.netty.NettyServerConfig;
import org.apache.rocketmq.store.config.FlushDiskType;
import org.apache.rocketmq.store.config.MessageStoreConfig;

import java.io.File;

/**
 * The RocketMQ broker JVM of {@code keel-bench --vs rocketmq}: a {@link BrokerController} configured in code (as
 * {@code mqbroker} would run it with a broker.conf), a single master registered with the name server at
 * {@code --namesrv}. RocketMQ's defaults stay except where the benchmark needs otherwise:
 * <ul>
 *   <li>{@code flushDiskType} from {@code --flush} (SYNC_FLUSH or ASYNC_FLUSH, like KeelMQ's);</li>
 *   <li>everything on 127.0.0.1: the remoting port {@code --port} (keel-bench checked that it and {@code port - 2},
 *       where the broker also opens its "fast remoting"/VIP channel, were free), {@code brokerIP1}; the HA port
 *       {@code --ha-port} (RocketMQ binds it on every interface; the default would be the fixed {@code port + 1});</li>
 *   <li>a commit log file of 256 MiB instead of 1 GiB (the files are memory-mapped; smaller keeps the page cache
 *       that a short run touches modest);</li>
 *   <li>the store, the config files and nothing else under {@code --dir}.</li>
 * </ul>
 * Topics are created by keel-bench through the admin API before a load, not auto-created.
 */
public final class RocketMqBrokerLauncher {
    public static final String READY_PREFIX = "RocketMQ broker listening on ";
    private static final int COMMIT_LOG_FILE_BYTES = 256 * 1024 * 1024;

    private RocketMqBrokerLauncher() {
    }

    public static void main(String[] args) {
        Running.orExit("the RocketMQ broker", () -> run(args));
    }

    private static void run(String[] args) throws Exception {
        RemotingVersion.declare();
        LauncherArguments arguments = new LauncherArguments(args);
        File dir = new File(arguments.required("dir"));
        int port = arguments.requiredInt("port");

        BrokerConfig broker = new BrokerConfig();
        broker.setRocketmqHome(dir.getAbsolutePath());
        broker.setBrokerName("keel-bench");
        broker.setBrokerClusterName("keel-bench");
        broker.setBrokerId(0);
        broker.setBrokerIP1("127.0.0.1");
        broker.setBrokerIP2("127.0.0.1");
        broker.setNamesrvAddr(arguments.required("namesrv"));

        NettyServerConfig server = new NettyServerConfig();
        server.setBindAddress("127.0.0.1");
        server.setListenPort(port);
        NettyClientConfig client = new NettyClientConfig();

        MessageStoreConfig store = new MessageStoreConfig();
        store.setStorePathRootDir(new File(dir, "store").getAbsolutePath());
        store.setStorePathCommitLog(new File(dir, "store/commitlog").getAbsolutePath());
        store.setFlushDiskType(FlushDiskType.valueOf(arguments.required("flush")));
        store.setHaListenPort(arguments.requiredInt("ha-port"));
        store.setMappedFileSizeCommitLog(COMMIT_LOG_FILE_BYTES);

        BrokerController controller = new BrokerController(broker, server, client, store);
        if (!controller.initialize()) {
            throw new IllegalStateException("the RocketMQ broker did not initialize (see the lines above)");
        }
        controller.start();
        Running.untilTerminated(READY_PREFIX + "127.0.0.1:" + controller.getRemotingServer().localListenPort(),
                controller::shutdown,
                "broker-shutdown");
    }
}
