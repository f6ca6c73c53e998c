package io.keelmq.ra.testing;

import jakarta.resource.spi.BootstrapContext;
import jakarta.resource.spi.XATerminator;
import jakarta.resource.spi.work.WorkContext;
import jakarta.resource.spi.work.WorkManager;
import jakarta.transaction.TransactionSynchronizationRegistry;

import java.util.Timer;
import java.util.concurrent.atomic.AtomicInteger;

/** What an application server gives a resource adapter at start: its WorkManager and timers ({@code test-timer-N}). */
public final class TestBootstrapContext implements BootstrapContext {
    private final TestWorkManager workManager = new TestWorkManager();
    private final AtomicInteger timers = new AtomicInteger();

    @Override
    public WorkManager getWorkManager() {
        return workManager;
    }

    public TestWorkManager workManager() {
        return workManager;
    }

    @Override
    public XATerminator getXATerminator() {
        return null;
    }

    @Override
    public Timer createTimer() {
        return new Timer("test-timer-" + timers.incrementAndGet(), true);
    }

    @Override
    public boolean isContextSupported(Class<? extends WorkContext> workContextClass) {
        return false;
    }

    @Override
    public TransactionSynchronizationRegistry getTransactionSynchronizationRegistry() {
        return null;
    }
}
