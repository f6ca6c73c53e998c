package io.keelmq.ra.it.glassfish;

import io.keelmq.ra.it.glassfish.app.UndeployListener;
import org.jboss.arquillian.container.test.api.Deployer;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.ArrayList;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * Undeploying the application and then keel.rar (with its pool, connection factory and admin objects) leaves no
 * KeelMQ thread in GlassFish. Runs last: it takes keel.rar away from the other tests.
 */
@Order(Integer.MAX_VALUE)
@ExtendWith({SuiteBroker.class, ArquillianExtension.class})
class UndeployIT {
    private static final Pattern KEEL_THREAD = Pattern.compile("\"(keel-[^\"]*)\"");

    @Deployment(name = "undeploy", managed = false, testable = false)
    static WebArchive application() {
        return Deployments.war("keel-undeploy", List.of("UndeployListener"), UndeployListener.class);
    }

    @ArquillianResource
    private Deployer deployer;

    @Test
    void undeployLeavesNoKeelThread() throws Exception {
        deployer.deploy("undeploy");
        List<String> running = Await.until(60, UndeployIT::keelThreads, t -> !t.isEmpty());
        assertFalse(running.isEmpty(), "an active MDB and keel.rar run no keel- thread: the count proves nothing");

        deployer.undeploy("undeploy");
        // --cascade also deletes the adapter's configuration, pool, connection factory and admin objects.
        Asadmin.run("undeploy", "--cascade=true", "keel");
        List<String> left = Await.until(30, UndeployIT::keelThreads, List::isEmpty);
        assertEquals(List.of(), left, "KeelMQ threads left in GlassFish after undeploying keel.rar");
    }

    /** The names of GlassFish's threads that KeelMQ's client started, from asadmin's thread report. */
    private static List<String> keelThreads() throws Exception {
        Matcher names = KEEL_THREAD.matcher(Asadmin.run("generate-jvm-report", "--type=thread"));
        List<String> keel = new ArrayList<>();
        while (names.find()) {
            keel.add(names.group(1));
        }
        return keel;
    }
}
