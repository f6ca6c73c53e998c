package io.keelmq.server.connection;

import io.keelmq.protocol.frame.Frame;
import io.keelmq.protocol.message.DestinationRef;
import io.keelmq.server.destination.Destination;
import io.keelmq.server.destination.DestinationRegistry;
import io.keelmq.server.errors.RequestException;
import io.keelmq.server.security.Permission;

/**
 * CREATE_DESTINATION and DELETE_DESTINATION. A temporary destination belongs to the
 * connection that created it and is deleted with it; a queue or topic created here is an
 * ordinary, persisted one (the way to create destinations when autoCreateTopicEnable is off); creating or
 * deleting one of those needs the {@code manage} permission when authorization applies.
 */
final class DestinationRequests {

    private DestinationRequests() {
    }

    static void create(Connection connection, Frame request) {
        DestinationRef.Kind kind = ConsumerRequests.kind(request, Headers.required(request, "destinationKind"));
        String name = Headers.required(request, "destination");
        if (name.isEmpty()) {
            throw RequestException.notFound("the destination name is empty");
        }
        if (!kind.isTemporary()) {
            connection.authorize(Permission.MANAGE, kind, name);   // temporary ones belong to their creator
        }
        Destination destination = connection.services().destinations().create(kind, name, connection.id());
        if (destination.isTemporary()) {
            connection.temporaries().add(destination);
        }
        connection.respond(request);
    }

    static void delete(Connection connection, Frame request) {
        DestinationRef.Kind kind = ConsumerRequests.kind(request, Headers.required(request, "destinationKind"));
        String name = Headers.required(request, "destination");
        if (!kind.isTemporary()) {
            connection.authorize(Permission.MANAGE, kind, name);
        }
        DestinationRegistry registry = connection.services().destinations();
        Destination destination = registry.find(kind, name);
        if (destination == null) {
            throw RequestException.notFound(DestinationRegistry.describe(kind, name) + " does not exist");
        }
        if (destination.isTemporary() && !destination.ownerConnectionId().equals(connection.id())) {
            throw RequestException.illegalState(DestinationRegistry.describe(kind, name)
                    + " belongs to another connection");
        }
        if (connection.services().subscriptions().hasConsumers(destination)) {
            throw RequestException.illegalState(DestinationRegistry.describe(kind, name)
                    + " still has an active consumer");
        }
        registry.delete(destination);
        connection.temporaries().remove(destination);
        connection.respond(request);
    }
}
