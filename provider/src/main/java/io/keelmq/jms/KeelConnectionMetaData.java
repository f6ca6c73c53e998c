package io.keelmq.jms;

import io.keelmq.jms.message.PropertyNames;
import jakarta.jms.ConnectionMetaData;

import java.util.Collections;
import java.util.Enumeration;
import java.util.List;

/** What a connection says about its provider (spec 6.1.6): Jakarta Messaging 3.1, KeelMQ and its version. */
final class KeelConnectionMetaData implements ConnectionMetaData {
    static final KeelConnectionMetaData INSTANCE = new KeelConnectionMetaData();

    static final String PROVIDER_NAME = "KeelMQ";
    /** The jar's Implementation-Version when packaged, else the version this source belongs to. */
    static final String PROVIDER_VERSION = versionOf(KeelConnectionMetaData.class.getPackage()
            .getImplementationVersion());

    private static final List<String> JMSX_PROPERTIES = List.of(PropertyNames.JMSX_DELIVERY_COUNT,
            PropertyNames.JMSX_GROUP_ID, PropertyNames.JMSX_GROUP_SEQ);

    private KeelConnectionMetaData() {
    }

    private static String versionOf(String implementationVersion) {
        return implementationVersion != null ? implementationVersion : "0.1.0-SNAPSHOT";
    }

    @Override
    public String getJMSVersion() {
        return "3.1";
    }

    @Override
    public int getJMSMajorVersion() {
        return 3;
    }

    @Override
    public int getJMSMinorVersion() {
        return 1;
    }

    @Override
    public String getJMSProviderName() {
        return PROVIDER_NAME;
    }

    @Override
    public String getProviderVersion() {
        return PROVIDER_VERSION;
    }

    @Override
    public int getProviderMajorVersion() {
        return versionPart(0);
    }

    @Override
    public int getProviderMinorVersion() {
        return versionPart(1);
    }

    @Override
    public Enumeration<String> getJMSXPropertyNames() {
        return Collections.enumeration(JMSX_PROPERTIES);
    }

    private static int versionPart(int index) {
        String[] parts = PROVIDER_VERSION.split("[.-]");
        try {
            return index < parts.length ? Integer.parseInt(parts[index]) : 0;
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
