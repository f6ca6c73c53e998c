package io.keelmq.ra.it.wildfly.probe;

import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;
import java.util.TreeSet;

/** {@code GET /threads?prefix=keel-}: the names of the server's live threads that start with the prefix, a line each. */
@WebServlet("/threads")
public class ThreadsServlet extends HttpServlet {
    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        String prefix = request.getParameter("prefix");
        TreeSet<String> names = new TreeSet<>();
        for (Thread thread : Thread.getAllStackTraces().keySet()) {
            if (thread.isAlive() && thread.getName().startsWith(prefix)) {
                names.add(thread.getName());
            }
        }
        response.setContentType("text/plain");
        for (String name : names) {
            response.getWriter().println(name);
        }
    }
}
