package io.keelmq.server.tls;

import io.keelmq.server.config.BrokerConfig;
import io.keelmq.server.config.ConfigException;
import io.keelmq.server.config.ConfigKeys;
import io.keelmq.server.config.TlsClientAuth;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.TrustManagerFactory;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.KeyStoreException;
import java.security.NoSuchAlgorithmException;
import java.security.UnrecoverableKeyException;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateNotYetValidException;
import java.security.cert.X509Certificate;
import java.util.Collections;
import java.util.List;
import java.util.Set;

/**
 * Builds the TLS listener's {@link SslContext} (JDK provider) from the {@code tls*} settings. It reads the key and
 * trust stores and checks protocols and cipher suites against what the JVM supports, so every mistake is a
 * {@link ConfigException} naming its setting at broker start rather than a failure at the first handshake.
 */
public final class ServerSslContextFactory {
    private static final Logger LOG = LoggerFactory.getLogger(ServerSslContextFactory.class);

    private ServerSslContextFactory() {
    }

    public static SslContext create(BrokerConfig config) throws ConfigException {
        Path keyStoreFile = config.get(ConfigKeys.TLS_KEY_STORE);
        char[] keyPassword = chars(config.get(ConfigKeys.TLS_KEY_STORE_PASSWORD));
        KeyStore keyStore = KeyStoreFile.load(keyStoreFile, keyPassword, config.get(ConfigKeys.TLS_KEY_STORE_TYPE),
                "tlsKeyStore", "tlsKeyStorePassword", "tlsKeyStoreType");
        X509Certificate certificate = serverCertificate(keyStore, keyStoreFile);
        warnIfNotValidNow(certificate, keyStoreFile);
        SslContextBuilder builder = SslContextBuilder.forServer(keyManagers(keyStore, keyPassword, keyStoreFile))
                .sslProvider(SslProvider.JDK)
                .protocols(checked(config.get(ConfigKeys.TLS_PROTOCOLS), supported().getProtocols(), "tlsProtocols"));
        List<String> ciphers = config.get(ConfigKeys.TLS_CIPHER_SUITES);
        if (ciphers != null) {
            builder.ciphers(checked(ciphers, supported().getCipherSuites(), "tlsCipherSuites"));
        }
        TlsClientAuth clientAuth = config.get(ConfigKeys.TLS_CLIENT_AUTH);
        builder.clientAuth(switch (clientAuth) {
            case NONE -> ClientAuth.NONE;
            case OPTIONAL -> ClientAuth.OPTIONAL;
            case REQUIRE -> ClientAuth.REQUIRE;
        });
        if (clientAuth != TlsClientAuth.NONE) {
            builder.trustManager(trustManagers(config));
        }
        try {
            SslContext context = builder.build();
            LOG.info("TLS: certificate '{}' from {}, protocols {}, client certificates {}",
                    certificate.getSubjectX500Principal().getName(), keyStoreFile.toAbsolutePath(),
                    config.get(ConfigKeys.TLS_PROTOCOLS), clientAuth);
            return context;
        } catch (SSLException e) {
            throw new ConfigException("bad TLS settings: " + e.getMessage(), e);
        }
    }

    /** The certificate of the store's one private key entry; a store without one cannot serve TLS. */
    private static X509Certificate serverCertificate(KeyStore store, Path file) throws ConfigException {
        try {
            for (String alias : Collections.list(store.aliases())) {
                if (store.isKeyEntry(alias) && store.getCertificate(alias) instanceof X509Certificate x509) {
                    return x509;
                }
            }
        } catch (KeyStoreException e) {
            throw new ConfigException("bad value '" + file + "' for key tlsKeyStore: " + e.getMessage());
        }
        throw new ConfigException("bad value '" + file + "' for key tlsKeyStore: it holds no private key with a "
                + "certificate (a trust store only has certificates)");
    }

    /** Starting with an expired certificate is allowed (it may be replaced) but every client will refuse it. */
    private static void warnIfNotValidNow(X509Certificate certificate, Path file) {
        try {
            certificate.checkValidity();
        } catch (CertificateExpiredException e) {
            LOG.warn("TLS: the certificate '{}' in {} expired on {}: clients will refuse the handshake",
                    certificate.getSubjectX500Principal().getName(), file, certificate.getNotAfter());
        } catch (CertificateNotYetValidException e) {
            LOG.warn("TLS: the certificate '{}' in {} is valid only from {}: clients will refuse the handshake",
                    certificate.getSubjectX500Principal().getName(), file, certificate.getNotBefore());
        }
    }

    private static KeyManagerFactory keyManagers(KeyStore store, char[] password, Path file) throws ConfigException {
        try {
            KeyManagerFactory factory = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            factory.init(store, password);
            return factory;
        } catch (UnrecoverableKeyException e) {
            throw new ConfigException("bad value for key tlsKeyStorePassword: cannot read the private key in " + file
                    + " with it (" + e.getMessage() + ")");
        } catch (GeneralSecurityException e) {
            throw new ConfigException("bad value '" + file + "' for key tlsKeyStore: " + e.getMessage());
        }
    }

    private static TrustManagerFactory trustManagers(BrokerConfig config) throws ConfigException {
        Path file = config.get(ConfigKeys.TLS_TRUST_STORE);
        KeyStore store = KeyStoreFile.load(file, chars(config.get(ConfigKeys.TLS_TRUST_STORE_PASSWORD)),
                config.get(ConfigKeys.TLS_TRUST_STORE_TYPE), "tlsTrustStore", "tlsTrustStorePassword",
                "tlsTrustStoreType");
        try {
            if (store.size() == 0) {
                throw new ConfigException("bad value '" + file + "' for key tlsTrustStore: it holds no certificate");
            }
            TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            factory.init(store);
            return factory;
        } catch (GeneralSecurityException e) {
            throw new ConfigException("bad value '" + file + "' for key tlsTrustStore: " + e.getMessage());
        }
    }

    private static List<String> checked(List<String> wanted, String[] supported, String key) throws ConfigException {
        Set<String> known = Set.of(supported);
        for (String name : wanted) {
            if (!known.contains(name)) {
                throw new ConfigException("bad value '" + String.join(",", wanted) + "' for key " + key + ": '" + name
                        + "' is not supported by this JVM");
            }
        }
        return wanted;
    }

    private static SSLParameters supported() throws ConfigException {
        try {
            return SSLContext.getDefault().getSupportedSSLParameters();
        } catch (NoSuchAlgorithmException e) {
            throw new ConfigException("this JVM offers no TLS implementation: " + e.getMessage());
        }
    }

    private static char[] chars(String password) {
        return password == null ? null : password.toCharArray();
    }
}
