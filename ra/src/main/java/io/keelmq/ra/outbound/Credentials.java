package io.keelmq.ra.outbound;

import jakarta.resource.spi.ConnectionRequestInfo;
import jakarta.resource.spi.ManagedConnectionFactory;
import jakarta.resource.spi.security.PasswordCredential;

import javax.security.auth.Subject;
import java.util.Objects;
import java.util.Set;

/**
 * The user and password of one outbound connection: what the application passed to {@code createConnection(user,
 * password)} (the connection request info), or what the container signed on with (a {@link PasswordCredential} for
 * this factory in the Subject), or neither (null: the factory's configured {@code user} and {@code password}). Two
 * managed connections may serve the same requests only if their credentials are equal.
 */
public final class Credentials implements ConnectionRequestInfo {
    /** No explicit credentials: the managed connection factory's {@code user}/{@code password} apply. */
    public static final Credentials FACTORY_DEFAULT = new Credentials(null, null);

    private final String user;
    private final String password;

    public Credentials(String user, String password) {
        this.user = user;
        this.password = password;
    }

    /** The container's sign-on wins over the application's request (Connectors 2.1, 9.1.7). */
    static Credentials of(ManagedConnectionFactory factory, Subject subject, ConnectionRequestInfo info) {
        if (subject != null) {
            Set<PasswordCredential> signed = subject.getPrivateCredentials(PasswordCredential.class);
            for (PasswordCredential credential : signed) {
                if (credential.getManagedConnectionFactory() == null
                        || factory.equals(credential.getManagedConnectionFactory())) {
                    return new Credentials(credential.getUserName(), new String(credential.getPassword()));
                }
            }
        }
        return info instanceof Credentials c ? c : FACTORY_DEFAULT;
    }

    public String user() {
        return user;
    }

    public String password() {
        return password;
    }

    boolean explicit() {
        return user != null || password != null;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Credentials c && Objects.equals(user, c.user) && Objects.equals(password, c.password);
    }

    @Override
    public int hashCode() {
        return Objects.hash(user, password);
    }

    @Override
    public String toString() {
        return explicit() ? "Credentials[user=" + user + "]" : "Credentials[factory default]";
    }
}
