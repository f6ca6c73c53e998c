package io.keelmq.jms.transport;

import io.netty.handler.ssl.NotSslRecordException;
import io.netty.handler.ssl.SslHandshakeTimeoutException;

import javax.net.ssl.SSLException;
import java.security.cert.CertPathBuilderException;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateNotYetValidException;
import java.util.Locale;

/**
 * Turns the JDK's TLS exceptions into one line saying what went wrong and what to set: "TLS handshake with
 * host:port failed: server certificate not trusted (PKIX path building failed: ...); set trustStore ...". The
 * JDK's own text is kept in parentheses, since it is what a search engine knows.
 */
final class TlsFailures {

    private TlsFailures() {
    }

    /** Whether {@code cause} (or one of its causes) is a TLS failure this class can explain. */
    static boolean isTls(Throwable cause) {
        for (Throwable c = cause; c != null; c = next(c)) {
            if (c instanceof SSLException || c instanceof NotSslRecordException) {
                return true;
            }
        }
        return false;
    }

    /** @param withCertificate whether the client presented a certificate (a keyStore is set) */
    static String describe(HostAndPort address, Throwable cause, long timeoutMillis, boolean withCertificate) {
        return "TLS handshake with " + address + " failed: " + reason(cause, timeoutMillis, withCertificate);
    }

    private static String reason(Throwable cause, long timeoutMillis, boolean withCertificate) {
        String text = messages(cause);
        String lower = text.toLowerCase(Locale.ROOT);
        if (find(cause, CertificateExpiredException.class) != null) {
            return "server certificate expired (" + text + ")";
        }
        if (find(cause, CertificateNotYetValidException.class) != null) {
            return "server certificate not yet valid (" + text + ")";
        }
        if (find(cause, CertPathBuilderException.class) != null || lower.contains("pkix path building")) {
            return "server certificate not trusted (" + text + "); set trustStore to a trust store holding the "
                    + "broker's CA";
        }
        if (lower.contains("no subject alternative") || lower.contains("no name matching")) {
            return "server certificate does not name this host (" + text + "); connect with a host name the "
                    + "certificate lists, or set verifyHost=false";
        }
        if (find(cause, CertPathValidatorException.class) != null) {
            return "server certificate rejected (" + text + ")";
        }
        if (lower.contains("certificate_required") || lower.contains("bad_certificate")
                || (lower.contains("certificate_unknown") && lower.contains("received fatal alert"))) {
            return (withCertificate ? "the broker refused the client certificate (" + text + "); the broker's "
                    + "tlsTrustStore must hold the CA that signed the certificate in keyStore"
                    : "the broker requires a client certificate and none is configured (" + text + "); set keyStore "
                    + "to a key store with a certificate the broker trusts");
        }
        if (find(cause, NotSslRecordException.class) != null) {
            // Netty's text is a hex dump of what came back: no help to the reader.
            return "the broker did not answer with TLS; is this its plain port? Use keel:// there, keel+ssl:// on "
                    + "its tlsPort";
        }
        if (find(cause, SslHandshakeTimeoutException.class) != null) {
            return "no handshake completed within " + timeoutMillis + " ms (" + text + ")";
        }
        return text;
    }

    /** The distinct messages along the cause chain: the JDK hides the reason a few levels down. */
    private static String messages(Throwable cause) {
        StringBuilder text = new StringBuilder();
        for (Throwable c = cause; c != null; c = next(c)) {
            String message = c.getMessage();
            if (message == null || text.indexOf(message) >= 0) {
                continue;
            }
            text.append(text.length() == 0 ? "" : ": ").append(message);
        }
        return text.length() == 0 ? cause.toString() : text.toString();
    }

    private static <T extends Throwable> T find(Throwable cause, Class<T> type) {
        for (Throwable c = cause; c != null; c = next(c)) {
            if (type.isInstance(c)) {
                return type.cast(c);
            }
        }
        return null;
    }

    private static Throwable next(Throwable c) {
        return c.getCause() == c ? null : c.getCause();
    }
}
