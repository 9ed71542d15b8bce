package dev.strata.cache.redis;

import java.util.List;

/**
 * A snapshot of a {@link RedisWriteQueue}, as last observed by its background refresh (every third
 * of the lease time) plus this node's own counters.
 *
 * @param pendingEntries stream entries not yet acknowledged, over all partitions and nodes
 * @param oldestPendingAgeMillis age of the oldest unacknowledged entry of any partition, 0 if none
 * @param lagPerPartition unacknowledged entries of each partition, by partition number
 * @param ownedPartitions how many partitions this node's flusher owns now
 * @param ownerChanges leases this node took over (first acquisitions included)
 * @param claimedEntries entries this node claimed from a previous owner on taking a lease
 * @param deadLetters entries this node moved to the dead-letter streams
 * @param lostLeases leases this node found taken by another node (its writes were not acked)
 */
public record RedisWriteQueueStats(
    long pendingEntries,
    long oldestPendingAgeMillis,
    List<Long> lagPerPartition,
    int ownedPartitions,
    long ownerChanges,
    long claimedEntries,
    long deadLetters,
    long lostLeases) {

  /** Copies the list. */
  public RedisWriteQueueStats {
    lagPerPartition = List.copyOf(lagPerPartition);
  }
}
