package io.keelmq.tck;

import io.keelmq.server.Broker;
import org.junit.platform.launcher.LauncherSession;
import org.junit.platform.launcher.LauncherSessionListener;

/**
 * Starts the KeelMQ broker once when the JUnit Platform launcher session opens (before the
 * first TCK class looks anything up) and stops it when the session closes. Registered through
 * META-INF/services, so the TCK's own classes run unchanged.
 */
public final class TckBrokerSessionListener implements LauncherSessionListener {

    private Broker broker;

    @Override
    public void launcherSessionOpened(LauncherSession session) {
        try {
            broker = TckBroker.start();
        } catch (Exception e) {
            throw new IllegalStateException("could not start the KeelMQ broker for the TCK: " + e.getMessage(), e);
        }
    }

    @Override
    public void launcherSessionClosed(LauncherSession session) {
        if (broker != null) {
            broker.close();
            broker = null;
        }
    }
}
