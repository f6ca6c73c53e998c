package io.keelmq.server.consume;

/** A message's place in a destination: partition and queue offset; ordered by partition, then offset. */
public record PartitionOffset(int partition, long offset) implements Comparable<PartitionOffset> {
    @Override
    public int compareTo(PartitionOffset other) {
        int byPartition = Integer.compare(partition, other.partition);
        return byPartition != 0 ? byPartition : Long.compare(offset, other.offset);
    }
}
