package io.keelmq.examples.jakartaee;

import jakarta.annotation.Resource;
import jakarta.ejb.EJB;
import jakarta.ejb.Stateless;
import jakarta.inject.Inject;
import jakarta.jms.JMSConnectionFactory;
import jakarta.jms.JMSContext;
import jakarta.jms.Queue;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import java.util.List;

/**
 * {@code POST /api/greetings} (a text body) sends the greeting to the queue {@code greetings}; {@code GET} lists
 * what {@link GreetingListener} has received so far. A stateless bean, so the send runs in a container-managed JTA
 * transaction: the injected JMSContext joins it and the message is delivered when the request's transaction commits.
 */
@Path("greetings")
@Stateless
public class GreetingResource {
    /**
     * keel.rar's connection factory, as the resource reference WEB-INF/web.xml declares: jboss-web.xml (WildFly) and
     * glassfish-web.xml (GlassFish) map it to where that server's deployer bound it (see README.md).
     */
    static final String CONNECTION_FACTORY = "java:comp/env/jms/keel/ConnectionFactory";
    /** keel.rar's admin object for the queue {@code greetings}, a resource-env-ref mapped the same way. */
    static final String QUEUE = "java:comp/env/jms/keel/queue/greetings";

    @Inject
    @JMSConnectionFactory(CONNECTION_FACTORY)
    JMSContext context;

    @Resource(lookup = QUEUE)
    Queue greetings;

    @EJB
    ReceivedGreetings received;

    @POST
    @Consumes(MediaType.TEXT_PLAIN)
    public Response send(String greeting) {
        if (greeting == null || greeting.isBlank()) {
            return Response.status(Response.Status.BAD_REQUEST).entity("an empty greeting\n").build();
        }
        context.createProducer().send(greetings, greeting);
        return Response.accepted("sent\n").build();
    }

    @GET
    @Produces(MediaType.TEXT_PLAIN)
    public String list() {
        List<String> all = received.all();
        StringBuilder out = new StringBuilder();
        for (String greeting : all) {
            out.append(greeting).append('\n');
        }
        return out.toString();
    }
}
