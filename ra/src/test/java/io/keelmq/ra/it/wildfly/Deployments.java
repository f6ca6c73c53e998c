package io.keelmq.ra.it.wildfly;

import io.keelmq.ra.it.wildfly.app.ItServlet;
import io.keelmq.ra.it.wildfly.probe.ThreadsServlet;
import org.jboss.shrinkwrap.api.ShrinkWrap;
import org.jboss.shrinkwrap.api.spec.ResourceAdapterArchive;
import org.jboss.shrinkwrap.api.spec.WebArchive;

import java.io.File;

/** The archives the WildFly tests deploy: keel.rar as the build made it, then the applications. */
final class Deployments {
    private Deployments() {
    }

    /** ra/target/keel.rar, deployed under the name the subsystem configuration expects. */
    static ResourceAdapterArchive keelRar() {
        return ShrinkWrap.createFromZipFile(ResourceAdapterArchive.class, existing("keel.rar"));
    }

    /** The test application: message-driven beans, senders, the XA data source and ItServlet. */
    static WebArchive itApp() {
        return ShrinkWrap.create(WebArchive.class, "keel-it.war")
                .addPackage(ItServlet.class.getPackage())
                .addAsWebInfResource("wildfly/keel-it-xa-ds.xml", "keel-it-xa-ds.xml");
    }

    /** examples/jakartaee as its module built it. */
    static WebArchive exampleWar() {
        return ShrinkWrap.createFromZipFile(WebArchive.class, existing("keel.example.war"));
    }

    /** Lists the server's threads by name: a deployment of its own, so that it sees what the others leave. */
    static WebArchive threadProbe() {
        return ShrinkWrap.create(WebArchive.class, "thread-probe.war").addClass(ThreadsServlet.class);
    }

    private static File existing(String property) {
        String path = System.getProperty(property);
        if (path == null || !new File(path).isFile()) {
            throw new IllegalStateException("system property " + property + " must name a built archive, but is "
                    + path + " (run through mvn verify)");
        }
        return new File(path);
    }
}
