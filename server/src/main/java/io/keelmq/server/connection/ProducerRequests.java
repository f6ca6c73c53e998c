package io.keelmq.server.connection;

import io.keelmq.protocol.frame.Frame;
import io.keelmq.protocol.message.DestinationRef;
import io.keelmq.server.errors.RequestException;
import io.keelmq.server.security.Permission;

/**
 * CREATE_PRODUCER: tells the client at producer creation whether its user may send to the destination, so a
 * refusal surfaces where Jakarta Messaging expects it (createProducer) rather than at the first send. The broker
 * keeps no producer state: every SEND is checked again, also because permissions change while a producer lives.
 * The exception is a transactional producer's {@code producerGroup}: the connection joins the group, so that the
 * broker's check-backs of the group's undecided messages may come to it.
 */
final class ProducerRequests {

    private ProducerRequests() {
    }

    static void createProducer(Connection connection, Frame request) {
        Headers.requiredLong(request, "producerId");
        DestinationRef.Kind kind = ConsumerRequests.kind(request, Headers.required(request, "destinationKind"));
        String name = Headers.required(request, "destination");
        if (name.isEmpty()) {
            throw RequestException.notFound("the destination name is empty");
        }
        connection.authorize(Permission.SEND, kind, name);
        String group = request.header("producerGroup");
        if (group != null) {
            if (group.isEmpty()) {
                throw RequestException.illegalState("the producer group name is empty");
            }
            // Registered only once the user may send here: check-backs of the group may then come to it.
            connection.services().producerGroups().register(group, connection);
        }
        connection.respond(request);
    }
}
