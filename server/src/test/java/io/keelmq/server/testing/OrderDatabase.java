package io.keelmq.server.testing;

import io.keelmq.jms.LocalTransactionState;
import io.keelmq.jms.TransactionChecker;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashSet;
import java.util.Set;

/**
 * The local database of a transactional producer in the crash tests (H2, embedded): one table of orders. An order
 * row exists exactly when the local transaction that inserted it committed, so the check-back answers from it.
 * One JDBC connection per instance; a file database opened with {@code FILE_LOCK=NO} so that the process that
 * takes over after a SIGKILL can open it at once (only one process uses it at a time), and {@code WRITE_DELAY=0}
 * so that a commit is written when it returns (H2 otherwise writes committed changes up to 500 ms later, and a
 * SIGKILL loses them).
 */
public final class OrderDatabase implements AutoCloseable {
    private final Connection jdbc;

    public OrderDatabase(String jdbcUrl) throws SQLException {
        this.jdbc = DriverManager.getConnection(jdbcUrl, "sa", "");
        try (Statement statement = jdbc.createStatement()) {
            statement.execute("CREATE TABLE IF NOT EXISTS orders (id VARCHAR(64) PRIMARY KEY)");
        }
        jdbc.setAutoCommit(false);
    }

    /** Inserts the order in a local transaction left open: {@link #commit} or {@link #rollback} ends it. */
    public synchronized void insert(String orderId) throws SQLException {
        try (PreparedStatement insert = jdbc.prepareStatement("INSERT INTO orders (id) VALUES (?)")) {
            insert.setString(1, orderId);
            insert.executeUpdate();
        }
    }

    public synchronized void commit() throws SQLException {
        jdbc.commit();
    }

    public synchronized void rollback() throws SQLException {
        jdbc.rollback();
    }

    public synchronized boolean exists(String orderId) throws SQLException {
        try (PreparedStatement query = jdbc.prepareStatement("SELECT 1 FROM orders WHERE id = ?")) {
            query.setString(1, orderId);
            try (ResultSet rows = query.executeQuery()) {
                return rows.next();
            }
        }
    }

    public synchronized Set<String> all() throws SQLException {
        Set<String> ids = new HashSet<>();
        try (Statement statement = jdbc.createStatement();
             ResultSet rows = statement.executeQuery("SELECT id FROM orders")) {
            while (rows.next()) {
                ids.add(rows.getString(1));
            }
        }
        return ids;
    }

    /** The check-back of the crash tests: COMMIT when the order's row exists, else ROLLBACK. */
    public TransactionChecker checker() {
        return message -> exists(message.getStringProperty("orderId")) ? LocalTransactionState.COMMIT
                : LocalTransactionState.ROLLBACK;
    }

    @Override
    public synchronized void close() throws SQLException {
        jdbc.close();
    }
}
