package io.keelmq.server.config;

/** Whether the TLS listener asks clients for a certificate ({@code tlsClientAuth}). */
public enum TlsClientAuth {
    /** No client certificate is asked for. */
    NONE,
    /** A client may present a certificate; if it does, it must be trusted. */
    OPTIONAL,
    /** A client without a trusted certificate is refused during the TLS handshake. */
    REQUIRE
}
