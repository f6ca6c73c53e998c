package io.keelmq.server.connection;

import io.keelmq.protocol.frame.Frame;
import io.keelmq.protocol.message.DestinationRef;
import io.keelmq.server.errors.RequestException;
import io.keelmq.server.security.Permission;
import io.keelmq.server.send.SendReply;

import java.util.Map;

/** SEND and SEND_BATCH: handed to the send service, answered when the append completes. */
final class SendRequests {

    private SendRequests() {
    }

    static void send(Connection connection, Frame request) {
        connection.services().sends().submit(request, new SendReply() {
            @Override
            public String connectionId() {
                return connection.id();
            }

            @Override
            public String user() {
                return connection.user();
            }

            @Override
            public void authorizeSend(DestinationRef target) {
                connection.authorize(Permission.SEND, target.kind(), target.name());
            }

            @Override
            public void ok(Map<String, String> headers) {
                connection.respond(request, headers, null);
            }

            @Override
            public void fail(RequestException error) {
                connection.fail(request, error);
            }
        });
    }
}
