package io.keelmq.jms.provider;

import java.util.List;

/**
 * The answer to BROWSE.
 *
 * @param nextOffset -1 once the queue has been browsed to its end
 */
public record BrowsePage(List<Delivery> deliveries, int nextPartition, long nextOffset) {

    public boolean isEnd() {
        return nextOffset < 0;
    }
}
