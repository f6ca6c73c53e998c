package io.keelmq.ra.it.wildfly.app;

import jakarta.ejb.EJB;
import jakarta.ejb.EJBException;
import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;

/**
 * The tests' way into the deployment (they run as clients): {@code POST /it/send}, {@code POST /it/order},
 * {@code GET /it/rows}, {@code GET /it/deliveries}, {@code GET /it/deliveries-of-all}, {@code GET /it/concurrency},
 * and for the commit-phase crash {@code POST /it/send-stalled}, {@code GET /it/stalled}, {@code POST /it/release}.
 * Answers plain text.
 */
@WebServlet("/it/*")
public class ItServlet extends HttpServlet {
    @EJB
    Sender sender;
    @EJB
    OrderTable orders;
    @EJB
    Ledger ledger;

    @Override
    protected void doPost(HttpServletRequest request, HttpServletResponse response) throws IOException {
        String text = request.getParameter("text");
        boolean rollback = Boolean.parseBoolean(request.getParameter("rollback"));
        String answer;
        try {
            switch (request.getPathInfo()) {
                case "/send" -> {
                    if ("context".equals(request.getParameter("via"))) {
                        sender.sendThroughContext(text, rollback);
                    } else {
                        sender.sendThroughConnectionFactory(text, rollback);
                    }
                    answer = "sent";
                }
                case "/send-stalled" -> {
                    sender.sendWithStalledCommit(text);
                    answer = "sent";
                }
                case "/release" -> {
                    StalledCommit.release();
                    answer = "released";
                }
                case "/order" -> {
                    sender.placeOrder(text, Sender.Outcome.valueOf(request.getParameter("outcome")));
                    answer = "committed";
                }
                default -> {
                    response.sendError(404, "no " + request.getPathInfo());
                    return;
                }
            }
        } catch (EJBException e) {
            answer = "rolled back: " + e.getMessage();
        } catch (Exception e) {
            throw new IOException(e);
        }
        response.setContentType("text/plain");
        response.getWriter().print(answer);
    }

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        String queue = request.getParameter("queue");
        String text = request.getParameter("text");
        Object answer;
        try {
            answer = switch (request.getPathInfo()) {
                case "/rows" -> orders.rows(text);
                case "/deliveries" -> ledger.deliveries(queue, text);
                case "/deliveries-of-all" -> ledger.deliveriesOfAll(queue, text);
                case "/concurrency" -> ledger.maxInProgress();
                case "/stalled" -> StalledCommit.isStalled() ? 1 : 0;
                default -> null;
            };
        } catch (Exception e) {
            throw new IOException(e);
        }
        if (answer == null) {
            response.sendError(404, "no " + request.getPathInfo());
            return;
        }
        response.setContentType("text/plain");
        response.getWriter().print(answer);
    }
}
