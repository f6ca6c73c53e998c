package io.keelmq.jms;

import io.keelmq.jms.fake.FakeBroker;
import jakarta.jms.Connection;
import jakarta.jms.JMSContext;
import jakarta.jms.JMSException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

import java.util.ArrayList;
import java.util.List;

/**
 * Each test gets its own {@link FakeBroker}; connections made through {@link #connect} are closed afterwards, and
 * the broker must have seen no contract violation.
 */
abstract class FakeBrokerTestBase {
    protected FakeBroker broker;
    private final List<AutoCloseable> toClose = new ArrayList<>();

    @BeforeEach
    void startBroker() {
        broker = FakeBroker.start();
    }

    @AfterEach
    void stopBroker() throws Exception {
        for (AutoCloseable c : toClose) {
            c.close();
        }
        broker.close();
        broker.assertNoViolations();
    }

    /** A factory for this test's broker; {@code options} are URL options such as "pollHoldMillis=100". */
    protected KeelConnectionFactory factory(String... options) throws JMSException {
        String query = String.join("&", options);
        return new KeelConnectionFactory(query.isEmpty() ? broker.url() : broker.url(query));
    }

    protected Connection connect(String... options) throws JMSException {
        return track(factory(options).createConnection());
    }

    protected JMSContext context(int mode, String... options) throws JMSException {
        return track(factory(options).createContext(mode));
    }

    protected <T extends AutoCloseable> T track(T closeable) {
        toClose.add(closeable);
        return closeable;
    }
}
