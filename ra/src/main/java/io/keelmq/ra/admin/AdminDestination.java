package io.keelmq.ra.admin;

import jakarta.jms.InvalidDestinationException;
import jakarta.jms.JMSException;
import jakarta.resource.Referenceable;

import javax.naming.Reference;
import java.io.Serializable;
import java.util.Objects;

/**
 * An administered destination the application server creates from ra.xml's admin objects and binds in JNDI. Its one
 * configuration property, {@code PhysicalName}, is the broker's destination name; keel-jms takes any
 * jakarta.jms.Queue or Topic by that name, so these objects work wherever the client's own do.
 */
abstract class AdminDestination implements Serializable, Referenceable {
    private static final long serialVersionUID = 1L;

    private String physicalName;
    private Reference reference;

    public String getPhysicalName() {
        return physicalName;
    }

    public void setPhysicalName(String physicalName) {
        this.physicalName = physicalName == null || physicalName.isBlank() ? null : physicalName.trim();
    }

    /** @throws InvalidDestinationException if the deployer did not set PhysicalName */
    String name() throws JMSException {
        if (physicalName == null) {
            throw new InvalidDestinationException("this " + kind() + " admin object has no PhysicalName; set the "
                    + "admin object's PhysicalName property to the broker's " + kind() + " name");
        }
        return physicalName;
    }

    abstract String kind();

    @Override
    public void setReference(Reference reference) {
        this.reference = reference;
    }

    @Override
    public Reference getReference() {
        return reference;
    }

    @Override
    public boolean equals(Object o) {
        return o != null && o.getClass() == getClass()
                && Objects.equals(physicalName, ((AdminDestination) o).physicalName);
    }

    @Override
    public int hashCode() {
        return Objects.hash(getClass(), physicalName);
    }

    @Override
    public String toString() {
        return kind() + "://" + physicalName;
    }
}
