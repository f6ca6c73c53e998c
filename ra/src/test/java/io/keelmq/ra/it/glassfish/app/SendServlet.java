package io.keelmq.ra.it.glassfish.app;

import jakarta.ejb.EJB;
import jakarta.jms.JMSException;
import jakarta.servlet.ServletException;
import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;

/** GET send?via=factory|context&text=T[&rollback]: one call of {@link SenderBean}, one transaction. */
@WebServlet("/send")
public class SendServlet extends HttpServlet {
    @EJB
    private SenderBean sender;

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException,
            ServletException {
        String text = request.getParameter("text");
        boolean rollback = request.getParameter("rollback") != null;
        try {
            if ("factory".equals(request.getParameter("via"))) {
                sender.sendWithConnectionFactory(text, rollback);
            } else {
                sender.sendWithContext(text, rollback);
            }
        } catch (JMSException e) {
            throw new ServletException(e);
        }
        response.getWriter().print("sent");
    }
}
