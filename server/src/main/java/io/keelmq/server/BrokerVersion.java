package io.keelmq.server;

/** The broker's version, from the jar manifest when packaged, else the development version. */
public final class BrokerVersion {
    public static final String VERSION = version();

    private BrokerVersion() {
    }

    private static String version() {
        String fromManifest = BrokerVersion.class.getPackage().getImplementationVersion();
        return fromManifest != null ? fromManifest : "0.1.0-SNAPSHOT";
    }
}
