package io.keelmq.server.connection;

import io.keelmq.protocol.frame.Frame;

/** Handles one kind of request for a connection; throws RequestException to answer an error. */
@FunctionalInterface
interface RequestHandler {
    void handle(Connection connection, Frame request) throws Exception;
}
