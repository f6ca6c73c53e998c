package io.keelmq.server;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MainTest {

    @Test
    void configurationErrorsExitWithTwo() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exit = Main.launch(new String[] {"--listenPort=abc"}, new PrintStream(new ByteArrayOutputStream()),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        assertEquals(2, exit);
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("bad value 'abc' for key listenPort"));
        assertEquals(2, Main.launch(new String[] {"--nope=1"}, System.out, new PrintStream(new ByteArrayOutputStream())));
        assertEquals(2, Main.launch(new String[] {"--brokerRole=SLAVE"}, System.out,
                new PrintStream(new ByteArrayOutputStream())));
    }

    @Test
    void badTlsSettingsExitWithTwoNamingTheSetting(@TempDir Path dir) {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        Path missing = dir.resolve("missing.p12");
        int exit = Main.launch(new String[] {"--listenPort=0", "--storePathRootDir=" + dir.resolve("data"),
                "--tlsEnabled=true", "--tlsPort=0", "--tlsKeyStore=" + missing}, new PrintStream(
                new ByteArrayOutputStream()), new PrintStream(err, true, StandardCharsets.UTF_8));
        assertEquals(2, exit);
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("bad value '" + missing + "' for key tlsKeyStore"),
                err.toString(StandardCharsets.UTF_8));
        assertEquals(2, Main.launch(new String[] {"--tlsClientAuth=SOMETIMES"}, System.out,
                new PrintStream(new ByteArrayOutputStream())));
    }

    @Test
    void helpExitsWithZero() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        assertEquals(0, Main.launch(new String[] {"--help"}, new PrintStream(out, true, StandardCharsets.UTF_8),
                System.err));
        assertTrue(out.toString(StandardCharsets.UTF_8).contains("storePathRootDir"));
    }
}
