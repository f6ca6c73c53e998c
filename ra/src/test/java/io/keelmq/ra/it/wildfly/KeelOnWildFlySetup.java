package io.keelmq.ra.it.wildfly;

import org.jboss.as.arquillian.api.ServerSetupTask;
import org.jboss.as.arquillian.container.ManagementClient;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Starts the suite's broker, then configures keel.rar in WildFly's resource-adapters subsystem by running the
 * deployer's recipe, {@code ra/src/main/wildfly/keel-ra.cli}, with the server's own {@code bin/jboss-cli.sh}, exactly as
 * ra/README.md tells a deployer to. Once for the whole run: the configuration applies at each deployment of keel.rar,
 * and the broker stops with the test JVM.
 */
public class KeelOnWildFlySetup implements ServerSetupTask {
    private static final Path RECIPE = Path.of("src/main/wildfly/keel-ra.cli");
    private static boolean configured;

    @Override
    public void setup(ManagementClient client, String containerId) throws Exception {
        synchronized (KeelOnWildFlySetup.class) {
            if (!SuiteBroker.isRunning()) {
                SuiteBroker.start();
                Runtime.getRuntime().addShutdownHook(new Thread(SuiteBroker::stopQuietly, "suite-broker-stop"));
            }
            if (!configured) {
                runRecipe(client, SuiteBroker.running().url());
                configured = true;
            }
        }
    }

    @Override
    public void tearDown(ManagementClient client, String containerId) {
        // The configuration and the broker serve every test class of the run.
    }

    private static void runRecipe(ManagementClient client, String brokerUrl) throws Exception {
        Path home = Path.of(System.getProperty("wildfly.home"));
        Path work = Files.createDirectories(Path.of(System.getProperty("keel.it.dir", "target/wildfly-it")));
        Path properties = work.resolve("keel.properties");
        Files.writeString(properties, "keel.brokerURL=" + brokerUrl + "\n");
        Path log = work.resolve("keel-ra.cli.log");
        ProcessBuilder command = new ProcessBuilder(List.of(home.resolve("bin/jboss-cli.sh").toString(), "--connect",
                "--controller=" + client.getMgmtAddress() + ":" + client.getMgmtPort(),
                "--properties=" + properties.toAbsolutePath(), "--resolve-parameter-values",
                "--file=" + RECIPE.toAbsolutePath()))
                .redirectErrorStream(true).redirectOutput(log.toFile());
        command.environment().put("JAVA_HOME", System.getProperty("java.home"));
        Process cli = command.start();
        if (!cli.waitFor(120, TimeUnit.SECONDS)) {
            cli.destroyForcibly();
            throw new IllegalStateException("jboss-cli did not finish in 120 s: " + Files.readString(log));
        }
        if (cli.exitValue() != 0) {
            throw new IllegalStateException("jboss-cli --file=" + RECIPE + " failed (exit " + cli.exitValue() + "): "
                    + Files.readString(log));
        }
    }
}
