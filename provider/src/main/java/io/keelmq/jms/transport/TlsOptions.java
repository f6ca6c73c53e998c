package io.keelmq.jms.transport;

/**
 * The client's TLS settings for {@code keel+ssl://}: what to trust, which certificate to present, whether the
 * broker's certificate must name the host connected to. Null stores mean the JVM's default trust and no client
 * certificate.
 */
public record TlsOptions(String trustStore, String trustStorePassword, String trustStoreType, String keyStore,
                         String keyStorePassword, String keyStoreType, boolean verifyHost) {
    public static final String DEFAULT_STORE_TYPE = "PKCS12";

    /** Passwords are left out, so the record can be logged. */
    @Override
    public String toString() {
        return "TlsOptions[trustStore=" + trustStore + ", trustStoreType=" + trustStoreType + ", keyStore=" + keyStore
                + ", keyStoreType=" + keyStoreType + ", verifyHost=" + verifyHost + "]";
    }
}
