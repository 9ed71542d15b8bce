package dev.strata.cache.redis.internal;

import org.jspecify.annotations.Nullable;

/**
 * The keys and this node's lease of one partition of the durable write-behind queue: {@code
 * <prefix>:wb:<name>:{<name>:<number>}:<what>}. The keys share the hash tag {@code
 * {<name>:<number>}}, so one partition lives in one cluster slot. Lease fields are written by the
 * lease thread and read by the flusher; both are volatile.
 */
final class StreamPartition {

  final int number;
  final String stream;
  final String pending;
  final String sequence;
  final String lease;
  final String fence;
  final String deadLetters;
  final String[] offerKeys;

  /** "node|token" while this node owns the partition, else null. */
  volatile @Nullable String leaseValue;

  /** Until when ({@link System#nanoTime()}) the lease is surely this node's. */
  volatile long validUntilNanos;

  volatile long lag;
  volatile long oldestMillis;

  StreamPartition(String queuePrefix, String name, int number) {
    this.number = number;
    String base = queuePrefix + "{" + name + ":" + number + "}:";
    this.stream = base + "stream";
    this.pending = base + "pending";
    this.sequence = base + "seq";
    this.lease = base + "lease";
    this.fence = base + "fence";
    this.deadLetters = base + "dead";
    this.offerKeys = new String[] {stream, pending, sequence};
  }

  /** Returns the lease value if this node owns the partition and the lease is surely valid. */
  @Nullable String validLease() {
    String value = leaseValue;
    return value != null && System.nanoTime() - validUntilNanos < 0 ? value : null;
  }
}
