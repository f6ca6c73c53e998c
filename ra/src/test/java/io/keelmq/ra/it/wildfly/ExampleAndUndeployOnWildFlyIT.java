package io.keelmq.ra.it.wildfly;

import org.jboss.arquillian.container.test.api.Deployer;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.OperateOnDeployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.as.arquillian.api.ServerSetup;
import org.jboss.shrinkwrap.api.spec.ResourceAdapterArchive;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;

import java.net.URL;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * examples/jakartaee's war deployed after keel.rar, as its README tells a deployer; then both undeployed, and a
 * second deployment (the thread probe, deployed all along) finds no thread of KeelMQ's client left in the server.
 */
@ExtendWith(ArquillianExtension.class)
@ServerSetup(KeelOnWildFlySetup.class)
@RunAsClient
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ExampleAndUndeployOnWildFlyIT {
    /**
     * Thread names of KeelMQ's client (its own threads are all named keel-...) and of the Netty helpers a
     * client could start and leave behind.
     */
    private static final List<String> CLIENT_THREAD_PREFIXES = List.of("keel-", "globalEventExecutor",
            "ObjectCleanerThread", "threadDeathWatcher");
    private static final int SECONDS = 60;

    @Deployment(name = "rar", managed = false, testable = false)
    static ResourceAdapterArchive rar() {
        return Deployments.keelRar();
    }

    @Deployment(name = "example", managed = false, testable = false)
    static WebArchive example() {
        return Deployments.exampleWar();
    }

    @Deployment(name = "probe", testable = false)
    static WebArchive probe() {
        return Deployments.threadProbe();
    }

    @ArquillianResource
    Deployer deployer;

    @ArquillianResource
    @OperateOnDeployment("probe")
    URL probeUrl;

    @Test
    @Order(1)
    void theExampleApplicationSendsThroughItsInjectedContextAndItsMdbConsumes() throws Exception {
        deployer.deploy("rar");
        deployer.deploy("example");
        ItClient example = new ItClient(new URL(probeUrl, "/keel-example-jakartaee/"));
        assertEquals("sent", example.postText("/api/greetings", "hello from WildFly").trim());
        long deadline = System.nanoTime() + SECONDS * 1_000_000_000L;
        String received = example.get("/api/greetings", Map.of());
        while (!received.contains("hello from WildFly") && System.nanoTime() < deadline) {
            Thread.sleep(200);
            received = example.get("/api/greetings", Map.of());
        }
        assertEquals("hello from WildFly\n", received, "the MDB received the greeting once");
        assertFalse(clientThreads().isEmpty(), "the probe sees the adapter's threads while it is deployed");
    }

    @Test
    @Order(2)
    void undeployingTheApplicationAndKeelRarLeavesNoKeelMqThreadInTheServer() throws Exception {
        deployer.undeploy("example");
        deployer.undeploy("rar");
        long deadline = System.nanoTime() + SECONDS * 1_000_000_000L;
        List<String> left = clientThreads();
        while (!left.isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(200);
            left = clientThreads();
        }
        assertTrue(left.isEmpty(), "threads left behind after undeploy: " + left);
    }

    private List<String> clientThreads() throws Exception {
        ItClient probe = new ItClient(probeUrl);
        return CLIENT_THREAD_PREFIXES.stream().flatMap(prefix -> {
            try {
                return probe.get("/threads", Map.of("prefix", prefix)).lines();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }).toList();
    }
}
