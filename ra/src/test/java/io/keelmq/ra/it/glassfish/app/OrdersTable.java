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

/** Creates the orders table at deployment, unless a previous run left it. */
@Singleton
@Startup
public class OrdersTable {
    /** Derby's SQLState for "table already exists". */
    private static final String EXISTS = "X0Y32";

    @Resource(lookup = "jdbc/keelOrders")
    private DataSource database;

    @PostConstruct
    @TransactionAttribute(TransactionAttributeType.NOT_SUPPORTED)
    void create() {
        try (Connection connection = database.getConnection(); Statement statement = connection.createStatement()) {
            statement.executeUpdate("CREATE TABLE keel_orders (id VARCHAR(100) PRIMARY KEY)");
        } catch (SQLException e) {
            if (!EXISTS.equals(e.getSQLState())) {
                throw new IllegalStateException("cannot create keel_orders", e);
            }
        }
    }
}
