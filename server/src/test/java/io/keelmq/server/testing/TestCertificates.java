package io.keelmq.server.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * Key material for TLS tests, made by the JDK's own {@code keytool} in a directory the test owns: a CA and a trust
 * store holding it; a server key store signed by the CA with SAN {@code DNS:localhost,IP:127.0.0.1}; the same but
 * expired; a client key store signed by the CA (no SAN); and a trust store holding an unrelated CA. PKCS12, EC keys
 * (fast to generate), one password for everything.
 */
public final class TestCertificates {
    public static final String PASSWORD = "test-secret";

    /** Holds the test CA: trusts {@link #serverKeyStore}, {@link #expiredServerKeyStore}, {@link #clientKeyStore}. */
    public final Path trustStore;
    public final Path serverKeyStore;
    /** Valid from ten days ago for one day. */
    public final Path expiredServerKeyStore;
    public final Path clientKeyStore;
    /** Holds a CA that signed none of the above. */
    public final Path otherTrustStore;

    private final Path dir;

    private TestCertificates(Path dir) {
        this.dir = dir;
        this.trustStore = dir.resolve("truststore.p12");
        this.serverKeyStore = dir.resolve("server.p12");
        this.expiredServerKeyStore = dir.resolve("expired-server.p12");
        this.clientKeyStore = dir.resolve("client.p12");
        this.otherTrustStore = dir.resolve("other-truststore.p12");
    }

    /** Runs keytool 18 times, partly in parallel (a few seconds): generate once per test class. */
    public static TestCertificates generate(Path dir) throws IOException, InterruptedException {
        TestCertificates certificates = new TestCertificates(dir);
        certificates.createAll();
        return certificates;
    }

    private void createAll() throws IOException, InterruptedException {
        Path ca = dir.resolve("ca.p12");
        Path caPem = dir.resolve("ca.pem");
        selfSignedCa(ca, caPem, "CN=KeelMQ Test CA");
        // Each keytool run is a JVM start: the independent stores are made side by side.
        List<Step> steps = List.of(
                () -> trustStoreOf(caPem, trustStore),
                () -> signed(ca, caPem, serverKeyStore, "CN=localhost", "SAN=DNS:localhost,IP:127.0.0.1", null, 30),
                () -> signed(ca, caPem, expiredServerKeyStore, "CN=localhost", "SAN=DNS:localhost,IP:127.0.0.1",
                        "-10d", 1),
                () -> signed(ca, caPem, clientKeyStore, "CN=keel-test-client", null, null, 30),
                () -> {
                    Path otherPem = dir.resolve("other-ca.pem");
                    selfSignedCa(dir.resolve("other-ca.p12"), otherPem, "CN=Some Other CA");
                    trustStoreOf(otherPem, otherTrustStore);
                });
        ExecutorService pool = Executors.newFixedThreadPool(steps.size());
        try {
            List<Future<Void>> running = new ArrayList<>();
            for (Step step : steps) {
                running.add(pool.submit(() -> {
                    step.run();
                    return null;
                }));
            }
            for (Future<Void> future : running) {
                future.get();
            }
        } catch (ExecutionException e) {
            throw e.getCause() instanceof IOException io ? io : new IOException(e.getCause());
        } finally {
            pool.shutdownNow();
        }
    }

    private interface Step {
        void run() throws IOException, InterruptedException;
    }

    private void selfSignedCa(Path store, Path pem, String dname) throws IOException, InterruptedException {
        keytool("-genkeypair", "-alias", "ca", "-keyalg", "EC", "-groupname", "secp256r1", "-dname", dname,
                "-ext", "bc:c", "-validity", "30", "-keystore", store.toString());
        keytool("-exportcert", "-rfc", "-alias", "ca", "-keystore", store.toString(), "-file", pem.toString());
    }

    private void trustStoreOf(Path caPem, Path store) throws IOException, InterruptedException {
        keytool("-importcert", "-noprompt", "-alias", "ca", "-file", caPem.toString(), "-keystore", store.toString());
    }

    /**
     * A key pair in {@code store}, its certificate signed by the CA in {@code ca}, and the chain (certificate, CA)
     * imported back.
     *
     * @param san e.g. {@code SAN=DNS:localhost}, or null for none
     * @param startDate keytool's relative start date (e.g. {@code -10d}), or null for now
     */
    private void signed(Path ca, Path caPem, Path store, String dname, String san, String startDate, int validityDays)
            throws IOException, InterruptedException {
        String name = store.getFileName().toString().replace(".p12", "");
        Path csr = dir.resolve(name + ".csr");
        Path pem = dir.resolve(name + ".pem");
        keytool("-genkeypair", "-alias", "key", "-keyalg", "EC", "-groupname", "secp256r1", "-dname", dname,
                "-keystore", store.toString());
        keytool("-certreq", "-alias", "key", "-keystore", store.toString(), "-file", csr.toString());
        List<String> gencert = new ArrayList<>(List.of("-gencert", "-rfc", "-alias", "ca", "-keystore",
                ca.toString(), "-infile", csr.toString(), "-outfile", pem.toString(), "-validity",
                Integer.toString(validityDays)));
        if (san != null) {
            gencert.addAll(List.of("-ext", san));
        }
        if (startDate != null) {
            gencert.addAll(List.of("-startdate", startDate));
        }
        keytool(gencert.toArray(String[]::new));
        Path chain = dir.resolve(name + "-chain.pem");
        Files.writeString(chain, Files.readString(pem) + Files.readString(caPem));
        keytool("-importcert", "-noprompt", "-alias", "key", "-file", chain.toString(), "-keystore",
                store.toString());
    }

    private void keytool(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
        command.addAll(List.of(args));
        command.addAll(List.of("-storetype", "PKCS12", "-storepass", PASSWORD,
                // A short-lived JVM: no optimising compiler, the simplest collector.
                "-J-XX:TieredStopAtLevel=1", "-J-XX:+UseSerialGC"));
        if (args[0].equals("-genkeypair")) {
            command.addAll(List.of("-keypass", PASSWORD));
        }
        Path output = Files.createTempFile(dir, "keytool", ".out");
        Process process = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(output.toFile()).start();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new IOException("keytool did not finish within 60 s: " + command);
        }
        if (process.exitValue() != 0) {
            throw new IOException("keytool failed (exit " + process.exitValue() + "): " + command + "\n"
                    + Files.readString(output, StandardCharsets.UTF_8));
        }
    }
}
