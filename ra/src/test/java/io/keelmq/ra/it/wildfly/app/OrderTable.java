package io.keelmq.ra.it.wildfly.app;

import jakarta.annotation.PostConstruct;
import jakarta.annotation.Resource;
import jakarta.ejb.Singleton;
import jakarta.ejb.Startup;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/** The orders table of the XA data source: created at deployment (outside any transaction), read by the tests. */
@Singleton
@Startup
@TransactionAttribute(TransactionAttributeType.NOT_SUPPORTED)
public class OrderTable {
    @Resource(lookup = ItNames.DATA_SOURCE)
    DataSource dataSource;

    @PostConstruct
    void create() {
        try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement()) {
            statement.execute("CREATE TABLE IF NOT EXISTS it_orders(id VARCHAR(64) PRIMARY KEY)");
        } catch (SQLException e) {
            throw new IllegalStateException("cannot create it_orders: " + e, e);
        }
    }

    public int rows(String id) throws SQLException {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement select = connection.prepareStatement("SELECT COUNT(*) FROM it_orders WHERE id = ?")) {
            select.setString(1, id);
            try (ResultSet result = select.executeQuery()) {
                result.next();
                return result.getInt(1);
            }
        }
    }
}
