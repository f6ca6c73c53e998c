package io.keelmq.ra.it.glassfish.app;

import jakarta.annotation.PostConstruct;
import jakarta.annotation.Resource;
import jakarta.ejb.Singleton;
import jakarta.ejb.Startup;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * Creates the tables of the test applications in jdbc/keelOrders at deployment, unless a previous run left them:
 * keel_orders (DatabaseIT) and keel_processed (what InboundListener committed, InboundIT).
 */
@Singleton
@Startup
public class Tables {
    /** Derby's SQLState for "table already exists". */
    private static final String EXISTS = "X0Y32";

    @Resource(lookup = "jdbc/keelOrders")
    private DataSource database;

    @PostConstruct
    @TransactionAttribute(TransactionAttributeType.NOT_SUPPORTED)
    void create() {
        create("CREATE TABLE keel_orders (id VARCHAR(100) PRIMARY KEY)");
        create("CREATE TABLE keel_processed (text VARCHAR(100))");
    }

    private void create(String statementText) {
        try (Connection connection = database.getConnection(); Statement statement = connection.createStatement()) {
            statement.executeUpdate(statementText);
        } catch (SQLException e) {
            if (!EXISTS.equals(e.getSQLState())) {
                throw new IllegalStateException("cannot run " + statementText, e);
            }
        }
    }
}
