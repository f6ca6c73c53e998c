package io.keelmq.ra;

import io.keelmq.jms.KeelConnectionFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;

import javax.xml.parsers.DocumentBuilderFactory;
import java.beans.Introspector;
import java.beans.PropertyDescriptor;
import java.lang.reflect.Method;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;

/**
 * META-INF/ra.xml against the classes it names: every class exists and implements the interfaces declared; every
 * config property has a setter of the declared type (as a server looks it up) and its stated default is what the
 * class starts with; the outbound and adapter properties are exactly KeelConnectionFactory's bean properties, so a
 * new client option cannot be forgotten here.
 */
class DeploymentDescriptorTest {
    private static final Path RA_XML = Path.of("src/main/rar/META-INF/ra.xml");

    private static Document descriptor() throws Exception {
        DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
        factory.setNamespaceAware(true);
        return factory.newDocumentBuilder().parse(RA_XML.toFile());
    }

    private static List<Element> children(Element parent, String name) {
        List<Element> found = new ArrayList<>();
        for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element e && e.getLocalName().equals(name)) {
                found.add(e);
            }
        }
        return found;
    }

    private static String text(Element parent, String name) {
        List<Element> found = children(parent, name);
        return found.isEmpty() ? null : found.get(0).getTextContent().trim();
    }

    /** Checks each config-property of {@code owner} against {@code type}; returns their names. */
    private static Set<String> checkProperties(Element owner, Class<?> type) throws Exception {
        Set<String> names = new TreeSet<>();
        Object fresh = type.getConstructor().newInstance();
        for (Element property : children(owner, "config-property")) {
            String name = text(property, "config-property-name");
            Class<?> declared = Class.forName(text(property, "config-property-type"));
            String setterName = "set" + Character.toUpperCase(name.charAt(0)) + name.substring(1);
            Method setter = type.getMethod(setterName, declared);
            assertNotNull(setter, type.getSimpleName() + "." + setterName + "(" + declared.getSimpleName() + ")");
            Method getter = type.getMethod("get" + setterName.substring(3));
            assertEquals(declared, getter.getReturnType(), "getter type of " + name);
            String stated = text(property, "config-property-value");
            Object actual = getter.invoke(fresh);
            assertEquals(stated, actual == null ? null : actual.toString(),
                    "ra.xml's default of " + type.getSimpleName() + "." + name + " is not the class's");
            names.add(name);
        }
        return names;
    }

    private static Set<String> keelConnectionFactoryBeanProperties() throws Exception {
        Set<String> names = new TreeSet<>();
        for (PropertyDescriptor p : Introspector.getBeanInfo(KeelConnectionFactory.class).getPropertyDescriptors()) {
            if (p.getWriteMethod() != null) {
                names.add(p.getName());
            }
        }
        return names;
    }

    @Test
    void everyConfigPropertyHasASetterOfItsTypeAndItsStatedDefault() throws Exception {
        Element adapter = (Element) descriptor().getElementsByTagNameNS("*", "resourceadapter").item(0);
        Class<?> adapterClass = Class.forName(text(adapter, "resourceadapter-class"));
        Set<String> expected = keelConnectionFactoryBeanProperties();
        assertFalse(expected.isEmpty());
        assertEquals(expected, checkProperties(adapter, adapterClass),
                "the adapter's properties must be KeelConnectionFactory's bean properties");

        Element outbound = children(adapter, "outbound-resourceadapter").get(0);
        Set<String> interfaces = new TreeSet<>();
        for (Element definition : children(outbound, "connection-definition")) {
            Class<?> mcf = Class.forName(text(definition, "managedconnectionfactory-class"));
            assertEquals(expected, checkProperties(definition, mcf),
                    "a connection definition's properties must be KeelConnectionFactory's bean properties");
            Class<?> cfInterface = Class.forName(text(definition, "connectionfactory-interface"));
            assertEquals(true, cfInterface.isAssignableFrom(
                    Class.forName(text(definition, "connectionfactory-impl-class"))));
            assertEquals(true, Class.forName(text(definition, "connection-interface")).isAssignableFrom(
                    Class.forName(text(definition, "connection-impl-class"))));
            interfaces.add(cfInterface.getName());
        }
        assertEquals(Set.of("jakarta.jms.ConnectionFactory", "jakarta.jms.QueueConnectionFactory",
                "jakarta.jms.TopicConnectionFactory"), interfaces);
        assertEquals("XATransaction", text(outbound, "transaction-support"));

        Set<String> adminInterfaces = new TreeSet<>();
        for (Element admin : children(adapter, "adminobject")) {
            Class<?> type = Class.forName(text(admin, "adminobject-class"));
            Class<?> declared = Class.forName(text(admin, "adminobject-interface"));
            assertEquals(true, declared.isAssignableFrom(type));
            assertEquals(Set.of("PhysicalName"), checkProperties(admin, type));
            adminInterfaces.add(declared.getName());
        }
        assertEquals(Set.of("jakarta.jms.Queue", "jakarta.jms.Topic"), adminInterfaces);
    }

    @Test
    void theActivationSpecHasTheSpecsStandardPropertiesAndKeelMQs() throws Exception {
        Element adapter = (Element) descriptor().getElementsByTagNameNS("*", "resourceadapter").item(0);
        Element inbound = children(adapter, "inbound-resourceadapter").get(0);
        Element listener = children(children(inbound, "messageadapter").get(0), "messagelistener").get(0);
        assertEquals("jakarta.jms.MessageListener", text(listener, "messagelistener-type"));
        Element spec = children(listener, "activationspec").get(0);
        Class<?> specClass = Class.forName(text(spec, "activationspec-class"));
        Set<String> names = checkProperties(spec, specClass);
        // Spec 13.1's eight, then KeelMQ's.
        Set<String> expected = new TreeSet<>(Set.of("destinationLookup", "connectionFactoryLookup",
                "destinationType", "messageSelector", "acknowledgeMode", "subscriptionDurability",
                "subscriptionName", "clientId", "destination", "shareSubscriptions", "maxSession", "user", "password",
                "reconnectInitialDelayMillis", "reconnectMaxDelayMillis"));
        assertEquals(expected, names);
    }
}
