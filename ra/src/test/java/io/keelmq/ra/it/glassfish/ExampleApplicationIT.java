package io.keelmq.ra.it.glassfish;

import org.jboss.arquillian.container.test.api.Deployer;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.ShrinkWrap;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.File;
import java.net.URL;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * examples/jakartaee's war, the very file the WildFly test deploys, on GlassFish as its README tells a deployer: the
 * connection pool, connector resource and admin object it refers to (WEB-INF/glassfish-web.xml), created on keel.rar
 * (deployed as keel by the post-boot commands), then the war. A POST sends through the injected JMSContext; the MDB
 * (bound to keel by WEB-INF/glassfish-ejb-jar.xml) receives the greeting once.
 */
@Order(6)
@ExtendWith({SuiteBroker.class, ArquillianExtension.class})
class ExampleApplicationIT {
    private static final String GREETING = "hello from GlassFish";

    @Deployment(name = "example", managed = false, testable = false)
    static WebArchive example() {
        File war = new File(System.getProperty("keel.example.war"));
        assertTrue(war.isFile(), "no example war at " + war + " (the reactor builds examples/jakartaee first)");
        return ShrinkWrap.createFromZipFile(WebArchive.class, war);
    }

    @ArquillianResource
    private Deployer deployer;

    @Test
    void theExampleApplicationSendsThroughItsInjectedContextAndItsMdbReceivesOnce() throws Exception {
        // The README's GlassFish step 3, with the suite's broker.
        Asadmin.run("create-connector-connection-pool", "--raname", "keel",
                "--connectiondefinition", "jakarta.jms.ConnectionFactory", "--transactionsupport", "XATransaction",
                "--property", "brokerURL=" + SuiteBroker.url().replace(":", "\\:"), "jms/keel/ConnectionPool");
        Asadmin.run("create-connector-resource", "--poolname", "jms/keel/ConnectionPool", "jms/keel/ConnectionFactory");
        Asadmin.run("create-admin-object", "--raname", "keel", "--restype", "jakarta.jms.Queue",
                "--property", "PhysicalName=greetings", "jms/keel/queue/greetings");
        deployer.deploy("example");
        try {
            URL base = new URL("http://127.0.0.1:" + System.getProperty("gf.http.port") + "/keel-example-jakartaee/");
            assertEquals("sent", Http.postText(base, "api/greetings", GREETING).trim());
            String received = Await.until(60, () -> Http.get(base, "api/greetings"), r -> r.contains(GREETING));
            // A moment more: a second delivery of the one greeting would show as a second line.
            Thread.sleep(2_000);
            assertEquals(GREETING + "\n", Http.get(base, "api/greetings"), "the MDB received the greeting once: " + received);
        } finally {
            deployer.undeploy("example");
        }
    }
}
