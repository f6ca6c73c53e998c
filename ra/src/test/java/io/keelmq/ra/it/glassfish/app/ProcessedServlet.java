package io.keelmq.ra.it.glassfish.app;

import jakarta.annotation.Resource;
import jakarta.servlet.ServletException;
import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import javax.sql.DataSource;
import java.io.IOException;
import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/** GET processed?prefix=P: one line "text count" per committed keel_processed text starting with P. */
@WebServlet("/processed")
public class ProcessedServlet extends HttpServlet {
    @Resource(lookup = "jdbc/keelOrders")
    private DataSource database;

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException,
            ServletException {
        response.setContentType("text/plain;charset=UTF-8");
        PrintWriter out = response.getWriter();
        try (Connection connection = database.getConnection();
             PreparedStatement select = connection.prepareStatement(
                     "SELECT text, COUNT(*) FROM keel_processed WHERE text LIKE ? GROUP BY text")) {
            select.setString(1, request.getParameter("prefix") + "%");
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    out.println(rows.getString(1) + " " + rows.getInt(2));
                }
            }
        } catch (SQLException e) {
            throw new ServletException(e);
        }
    }
}
