package io.keelmq.server.connection;

import io.keelmq.protocol.frame.Frame;
import io.keelmq.protocol.message.DestinationRef;
import io.keelmq.server.errors.RequestException;
import io.keelmq.server.security.Permission;

/**
 * CREATE_PRODUCER: tells the client at producer creation whether its user may send to the destination, so a
 * refusal surfaces where Jakarta Messaging expects it (createProducer) rather than at the first send. The broker
 * keeps no producer state: every SEND is checked again, also because permissions change while a producer lives.
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
        connection.respond(request);
    }
}
