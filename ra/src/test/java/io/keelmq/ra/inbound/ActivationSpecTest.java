package io.keelmq.ra.inbound;

import jakarta.resource.spi.InvalidPropertyException;
import org.junit.jupiter.api.Test;

import java.beans.PropertyDescriptor;
import java.util.Arrays;
import java.util.Set;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** validate(): every problem named with what would be valid, and the invalid properties' descriptors. */
class ActivationSpecTest {

    private static InvalidPropertyException invalid(KeelActivationSpec spec) {
        return assertThrows(InvalidPropertyException.class, spec::validate);
    }

    private static Set<String> names(InvalidPropertyException e) {
        return Arrays.stream(e.getInvalidPropertyDescriptors()).map(PropertyDescriptor::getName)
                .collect(Collectors.toSet());
    }

    @Test
    void aQueueByPhysicalNameOrByLookupIsValid() throws Exception {
        KeelActivationSpec byName = new KeelActivationSpec();
        byName.setDestination("orders");
        byName.validate();
        KeelActivationSpec byLookup = new KeelActivationSpec();
        byLookup.setDestinationLookup("java:global/jms/orders");
        byLookup.setDestinationType("jakarta.jms.Queue");
        byLookup.setAcknowledgeMode("Dups-ok-acknowledge");
        byLookup.validate();
    }

    @Test
    void noDestinationIsRefused() {
        InvalidPropertyException e = invalid(new KeelActivationSpec());
        assertTrue(e.getMessage().contains("neither destinationLookup"), e.getMessage());
        assertEquals(Set.of("destination"), names(e));
    }

    @Test
    void everyBadValueIsNamedAtOnce() {
        KeelActivationSpec spec = new KeelActivationSpec();
        spec.setDestination("x");
        spec.setDestinationType("jakarta.jms.Mailbox");
        spec.setAcknowledgeMode("Client-acknowledge");
        spec.setSubscriptionDurability("Forever");
        spec.setMaxSession(0);
        InvalidPropertyException e = invalid(spec);
        for (String expected : new String[]{"destinationType is 'jakarta.jms.Mailbox'", "jakarta.jms.Topic",
                "acknowledgeMode is 'Client-acknowledge'", "Dups-ok-acknowledge", "subscriptionDurability is "
                + "'Forever'", "maxSession is 0"}) {
            assertTrue(e.getMessage().contains(expected), "'" + expected + "' missing from: " + e.getMessage());
        }
        assertEquals(Set.of("destinationType", "acknowledgeMode", "subscriptionDurability", "maxSession"),
                names(e));
    }

    @Test
    void aDurableSubscriptionNeedsATopicANameAndForAnUnsharedOneAClientId() {
        KeelActivationSpec spec = new KeelActivationSpec();
        spec.setDestination("prices");
        spec.setDestinationType("jakarta.jms.Queue");
        spec.setSubscriptionDurability("Durable");
        InvalidPropertyException e = invalid(spec);
        assertTrue(e.getMessage().contains("applies to a topic"), e.getMessage());
        assertTrue(e.getMessage().contains("needs a subscriptionName"), e.getMessage());
        assertTrue(e.getMessage().contains("needs a clientId"), e.getMessage());

        spec.setDestinationType("jakarta.jms.Topic");
        spec.setSubscriptionName("pricing");
        spec.setShareSubscriptions(true);
        assertEquals(true, validates(spec));
    }

    @Test
    void aSharedSubscriptionNeedsAName() {
        KeelActivationSpec spec = new KeelActivationSpec();
        spec.setDestination("news");
        spec.setDestinationType("Topic");
        spec.setShareSubscriptions(true);
        assertTrue(invalid(spec).getMessage().contains("shareSubscriptions=true needs a subscriptionName"));
    }

    private static boolean validates(KeelActivationSpec spec) {
        try {
            spec.validate();
            return true;
        } catch (InvalidPropertyException e) {
            throw new AssertionError(e.getMessage(), e);
        }
    }
}
