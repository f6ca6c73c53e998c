package io.keelmq.ra.it.glassfish.app;

import jakarta.ejb.EJB;
import jakarta.ejb.EJBException;
import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;
import java.sql.SQLException;

/**
 * GET orders?place=ID[&rollback]: one transaction of {@link OrderBean#place}; answers "placed", or "failed: ..." when
 * the transaction failed. GET orders?count=ID: how many rows the id has.
 */
@WebServlet("/orders")
public class OrderServlet extends HttpServlet {
    @EJB
    private OrderBean orders;

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        response.setContentType("text/plain;charset=UTF-8");
        try {
            if (request.getParameter("count") != null) {
                response.getWriter().print(orders.count(request.getParameter("count")));
                return;
            }
            orders.place(request.getParameter("place"), request.getParameter("rollback") != null);
            response.getWriter().print("placed");
        } catch (SQLException | EJBException e) {
            response.getWriter().print("failed: " + e);
        }
    }
}
