package io.keelmq.server.tls;

import io.keelmq.server.config.ConfigException;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.KeyStoreException;
import java.security.UnrecoverableKeyException;

/**
 * Reads a key or trust store named by broker settings. Every failure is a {@link ConfigException} naming the
 * setting at fault (the file, its password or its type), so a bad TLS set-up stops the broker at start with the
 * same exit code as any other bad setting, never at the first client's handshake.
 */
final class KeyStoreFile {

    private KeyStoreFile() {
    }

    /** {@code fileKey}, {@code passwordKey} and {@code typeKey} are the settings' names, for the messages. */
    static KeyStore load(Path file, char[] password, String type, String fileKey, String passwordKey,
                         String typeKey) throws ConfigException {
        KeyStore store;
        try {
            store = KeyStore.getInstance(type);
        } catch (KeyStoreException e) {
            throw new ConfigException("bad value '" + type + "' for key " + typeKey
                    + ": not a key store type this JVM knows (use PKCS12 or JKS)");
        }
        try (InputStream in = Files.newInputStream(file)) {
            store.load(in, password);
        } catch (NoSuchFileException e) {
            throw new ConfigException("bad value '" + file + "' for key " + fileKey + ": the file does not exist");
        } catch (IOException e) {
            if (e.getCause() instanceof UnrecoverableKeyException || isPasswordProblem(e)) {
                throw new ConfigException("bad value for key " + passwordKey + ": cannot open " + fileKey + " "
                        + file + " with it (" + e.getMessage() + ")");
            }
            throw new ConfigException("bad value '" + file + "' for key " + fileKey + ": cannot read it as a "
                    + type + " key store (" + typeKey + "): " + e.getMessage());
        } catch (GeneralSecurityException e) {
            throw new ConfigException("bad value '" + file + "' for key " + fileKey + ": " + e.getMessage());
        }
        return store;
    }

    /** PKCS12 reports a wrong password as an IOException whose text says so, without a typed cause. */
    private static boolean isPasswordProblem(IOException e) {
        String message = String.valueOf(e.getMessage()).toLowerCase(java.util.Locale.ROOT);
        return message.contains("password");
    }
}
