package io.keelmq.jms.transport;

import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLException;
import javax.net.ssl.TrustManagerFactory;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.KeyStoreException;
import java.security.UnrecoverableKeyException;
import java.util.Locale;

/**
 * Builds a client {@link SslContext} (JDK provider) from {@link TlsOptions}. Store problems are reported as an
 * {@link IOException} naming the connection option at fault ({@code trustStore}, {@code keyStorePassword}...), so
 * the application learns which setting to fix rather than reading a handshake failure later.
 */
final class ClientSslContextFactory {

    private ClientSslContextFactory() {
    }

    static SslContext create(TlsOptions options) throws IOException {
        SslContextBuilder builder = SslContextBuilder.forClient().sslProvider(SslProvider.JDK)
                // HTTPS rules: the URL's host must be a DNS or IP subject alternative name of the certificate.
                .endpointIdentificationAlgorithm(options.verifyHost() ? "HTTPS" : null);
        if (options.trustStore() != null) {
            KeyStore trust = load(options.trustStore(), options.trustStorePassword(), options.trustStoreType(),
                    "trustStore");
            try {
                TrustManagerFactory factory = TrustManagerFactory.getInstance(
                        TrustManagerFactory.getDefaultAlgorithm());
                factory.init(trust);
                builder.trustManager(factory);
            } catch (GeneralSecurityException e) {
                throw new IOException("connection option trustStore '" + options.trustStore() + "': " + e, e);
            }
        }
        if (options.keyStore() != null) {
            char[] password = chars(options.keyStorePassword());
            KeyStore keys = load(options.keyStore(), options.keyStorePassword(), options.keyStoreType(), "keyStore");
            try {
                KeyManagerFactory factory = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
                factory.init(keys, password);
                builder.keyManager(factory);
            } catch (UnrecoverableKeyException e) {
                throw new IOException("connection option keyStorePassword: cannot read the private key in '"
                        + options.keyStore() + "' with it (" + e.getMessage() + ")", e);
            } catch (GeneralSecurityException e) {
                throw new IOException("connection option keyStore '" + options.keyStore() + "': " + e, e);
            }
        }
        try {
            return builder.build();
        } catch (SSLException e) {
            throw new IOException("cannot set up TLS: " + e.getMessage(), e);
        }
    }

    private static KeyStore load(String file, String password, String type, String option) throws IOException {
        KeyStore store;
        try {
            store = KeyStore.getInstance(type);
        } catch (KeyStoreException e) {
            throw new IOException("connection option " + option + "Type '" + type
                    + "' is not a key store type this JVM knows (use PKCS12 or JKS)", e);
        }
        try (InputStream in = Files.newInputStream(Path.of(file))) {
            store.load(in, chars(password));
        } catch (NoSuchFileException e) {
            throw new IOException("connection option " + option + " '" + file + "': the file does not exist", e);
        } catch (IOException e) {
            if (e.getCause() instanceof UnrecoverableKeyException
                    || String.valueOf(e.getMessage()).toLowerCase(Locale.ROOT).contains("password")) {
                throw new IOException("connection option " + option + "Password: cannot open " + option + " '" + file
                        + "' with it (" + e.getMessage() + ")", e);
            }
            throw new IOException("connection option " + option + " '" + file + "': cannot read it as a " + type
                    + " key store: " + e.getMessage(), e);
        } catch (GeneralSecurityException e) {
            throw new IOException("connection option " + option + " '" + file + "': " + e.getMessage(), e);
        }
        return store;
    }

    private static char[] chars(String password) {
        return password == null ? null : password.toCharArray();
    }
}
