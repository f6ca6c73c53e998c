package io.keelmq.bench.rocketmq;

import org.apache.rocketmq.common.namesrv.NamesrvConfig;
import org.apache.rocketmq.namesrv.NamesrvController;
import org.apache.rocketmq.remoting.netty.NettyServerConfig;

import java.io.File;

/**
 * The RocketMQ name server JVM of {@code keel-bench --vs rocketmq}: a {@link NamesrvController} configured in
 * code (as {@code mqnamesrv} would run it), bound to an ephemeral port on 127.0.0.1, printed in the ready line.
 * Its key-value and configuration files go under {@code --dir}, not the user's home.
 */
public final class RocketMqNameServerLauncher {
    public static final String READY_PREFIX = "RocketMQ name server listening on ";

    private RocketMqNameServerLauncher() {
    }

    public static void main(String[] args) {
        Running.orExit("the RocketMQ name server", () -> run(args));
    }

    private static void run(String[] args) throws Exception {
        RemotingVersion.declare();
        LauncherArguments arguments = new LauncherArguments(args);
        File dir = new File(arguments.required("dir"));
        NamesrvConfig config = new NamesrvConfig();
        config.setRocketmqHome(dir.getAbsolutePath());
        config.setKvConfigPath(new File(dir, "kvConfig.json").getAbsolutePath());
        config.setConfigStorePath(new File(dir, "namesrv.properties").getAbsolutePath());
        NettyServerConfig server = new NettyServerConfig();
        server.setBindAddress("127.0.0.1");
        server.setListenPort(0);

        NamesrvController controller = new NamesrvController(config, server);
        if (!controller.initialize()) {
            throw new IllegalStateException("the RocketMQ name server did not initialize");
        }
        controller.start();
        Running.untilTerminated(READY_PREFIX + "127.0.0.1:" + controller.getRemotingServer().localListenPort(),
                controller::shutdown,
                "namesrv-shutdown");
    }
}
