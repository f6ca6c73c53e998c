package io.keelmq.ra.it.glassfish;

import org.jboss.shrinkwrap.api.ShrinkWrap;
import org.jboss.shrinkwrap.api.asset.StringAsset;
import org.jboss.shrinkwrap.api.spec.WebArchive;

import java.util.List;

/** The test applications: wars whose message-driven beans are bound to keel.rar. */
final class Deployments {
    private Deployments() {
    }

    /**
     * A war of {@code classes}; each of {@code mdbNames} is bound to the adapter deployed as "keel" by
     * WEB-INF/glassfish-ejb-jar.xml's resource-adapter-mid (GlassFish's own JMS adapter otherwise).
     */
    static WebArchive war(String name, List<String> mdbNames, Class<?>... classes) {
        StringBuilder ejbs = new StringBuilder();
        for (String mdb : mdbNames) {
            ejbs.append("    <ejb>\n      <ejb-name>").append(mdb).append("</ejb-name>\n")
                    .append("      <mdb-resource-adapter>\n        <resource-adapter-mid>keel</resource-adapter-mid>\n")
                    .append("      </mdb-resource-adapter>\n    </ejb>\n");
        }
        String descriptor = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                + "<!DOCTYPE glassfish-ejb-jar PUBLIC \"-//GlassFish.org//DTD GlassFish Application Server 3.1 EJB 3.1//EN\""
                + " \"http://glassfish.org/dtds/glassfish-ejb-jar_3_1-1.dtd\">\n"
                + "<glassfish-ejb-jar>\n  <enterprise-beans>\n" + ejbs + "  </enterprise-beans>\n</glassfish-ejb-jar>\n";
        WebArchive war = ShrinkWrap.create(WebArchive.class, name + ".war").addClasses(classes)
                .addAsWebInfResource(new StringAsset("<beans xmlns=\"https://jakarta.ee/xml/ns/jakartaee\""
                        + " version=\"4.0\" bean-discovery-mode=\"all\"/>"), "beans.xml");
        if (!mdbNames.isEmpty()) {
            war.addAsWebInfResource(new StringAsset(descriptor), "glassfish-ejb-jar.xml");
        }
        return war;
    }
}
