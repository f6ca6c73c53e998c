package io.keelmq.server.admin;

import io.keelmq.jms.KeelConnectionFactory;
import io.keelmq.server.ha.controller.ControllerClient;
import io.keelmq.server.ha.controller.GroupView;
import io.keelmq.server.testing.BrokerProcess;
import jakarta.jms.Connection;
import jakarta.jms.JMSException;
import jakarta.jms.Session;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code keel-admin ha status} and {@code keel-admin ha elect --broker ID} against two brokers in controller mode
 * (child JVMs; a one-peer controller embedded in the first): the status, asked of the slave, shows the master, epoch
 * and in-sync set; a forced election makes the slave master of a new epoch, the old master refuses sends, restarts in place
 * and rejoins as the new master's in-sync slave.
 */
class AdminHaTest {
    @TempDir
    Path dir;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int admin(String... args) {
        out.reset();
        err.reset();
        return AdminMain.run(args, new ByteArrayInputStream(new byte[0]), null,
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    private static List<String> args(String id, String peer, String... extra) {
        List<String> all = new java.util.ArrayList<>(List.of("--enableControllerMode=true", "--controllerAddr=" + peer,
                "--brokerName=g", "--brokerId=" + id, "--brokerRole=SYNC_MASTER",
                "--controllerHeartBeatTimeoutMills=6000", "--brokerHeartbeatInterval=300",
                "--scanNotActiveBrokerInterval=300"));
        all.addAll(List.of(extra));
        return all;
    }

    @Test
    void statusShowsTheGroupAndElectMovesTheMastershipToAnInSyncSlave() throws Exception {
        String peer;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            peer = "127.0.0.1:" + socket.getLocalPort();
        }
        BrokerProcess a = BrokerProcess.start(dir.resolve("a"), "a", args("a", peer,
                "--enableControllerInBroker=true", "--controllerSelfId=n0").toArray(String[]::new));
        BrokerProcess b = null;
        try (ControllerClient controller = new ControllerClient("DefaultCluster", List.of(peer), 30_000)) {
            awaitView(controller, view -> view.master().equals("a"));
            b = BrokerProcess.start(dir.resolve("b"), "b", args("b", peer).toArray(String[]::new));
            awaitView(controller, view -> view.inSync().equals(Set.of("a", "b")));

            assertEquals(0, admin("--url", b.url(), "ha", "status"), err.toString());
            String status = out.toString(StandardCharsets.UTF_8);
            assertTrue(status.contains("group g: master a, epoch 1, in-sync set [a, b]"), status);
            assertTrue(status.matches("(?s).*\\n  b +SLAVE +yes .*"), status);

            assertEquals(1, admin("--url", a.url(), "ha", "elect", "--broker", "nobody"));
            assertTrue(err.toString().contains("no broker 'nobody'"), err.toString());

            assertEquals(0, admin("--url", a.url(), "ha", "elect", "--broker", "b"), err.toString());
            assertTrue(out.toString(StandardCharsets.UTF_8).contains("b is master of group g, epoch 2 (was a)"),
                    out.toString(StandardCharsets.UTF_8));
            // The old master learns it at its next heartbeat and is fenced, then restarts: it refuses sends.
            String url = a.url();
            long deadline = System.currentTimeMillis() + 30_000;
            JMSException refused = null;
            while (refused == null && System.currentTimeMillis() < deadline) {
                try (Connection connection = new KeelConnectionFactory(url).createConnection()) {
                    Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
                    session.createProducer(session.createQueue("ha-admin")).send(session.createTextMessage("x"));
                    Thread.sleep(100);
                } catch (JMSException e) {
                    if ("NOT_MASTER".equals(e.getErrorCode())) {
                        refused = e;
                    } else {
                        Thread.sleep(100);      // its connections close while it restarts to rejoin
                    }
                }
            }
            assertTrue(refused != null && "NOT_MASTER".equals(refused.getErrorCode()), "refused: " + refused);
            // keel-server restarts the replaced master in place (same ports): it rejoins as b's slave.
            awaitView(controller, view -> view.master().equals("b") && view.inSync().equals(Set.of("a", "b")));
            assertEquals(0, admin("--url", a.url(), "ha", "status"), err.toString());
            String after = out.toString(StandardCharsets.UTF_8);
            assertTrue(after.contains("group g: master b, epoch 2, in-sync set [a, b]"), after);
            assertTrue(after.matches("(?s).*\\n  a +SLAVE +yes .*"), after);
        } finally {
            a.process().destroyForcibly();
            if (b != null) {
                b.process().destroyForcibly();
            }
        }
    }

    private static GroupView awaitView(ControllerClient controller, java.util.function.Predicate<GroupView> done)
            throws Exception {
        long deadline = System.currentTimeMillis() + 90_000;
        GroupView view = null;
        while (System.currentTimeMillis() < deadline) {
            try {
                view = controller.status("g").group();
            } catch (java.io.IOException e) {
                view = null;
            }
            if (view != null && done.test(view)) {
                return view;
            }
            Thread.sleep(200);
        }
        throw new AssertionError("not reached; last view " + view);
    }
}
