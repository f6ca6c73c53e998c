package io.keelmq.ra.it.glassfish.app;

import jakarta.ejb.EJB;
import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;

/** GET deliveries?queue=Q: one line per delivery; deliveries?queue=Q&threads: how many threads delivered. */
@WebServlet("/deliveries")
public class DeliveriesServlet extends HttpServlet {
    @EJB
    private Deliveries deliveries;

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        String queue = request.getParameter("queue");
        response.setContentType("text/plain;charset=UTF-8");
        if (request.getParameter("threads") != null) {
            response.getWriter().print(deliveries.threadsOf(queue));
        } else {
            response.getWriter().print(String.join("\n", deliveries.of(queue)));
        }
    }
}
