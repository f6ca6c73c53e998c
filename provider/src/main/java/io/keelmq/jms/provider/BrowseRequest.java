package io.keelmq.jms.provider;

import io.keelmq.protocol.message.DestinationRef;

/** One page of a queue browse, starting at a position the previous page returned (0/0 for the first). */
public record BrowseRequest(DestinationRef queue, String selector, int fromPartition, long fromOffset,
                            int maxMessages) {
}
