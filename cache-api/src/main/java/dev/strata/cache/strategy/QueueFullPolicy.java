package dev.strata.cache.strategy;

/** What a {@link WriteBehindCache} does with a write when its queue is full. */
public enum QueueFullPolicy {
  /**
   * The writing thread waits for room, up to the configured offer timeout, then gets a {@link
   * WriteBehindQueueFullException}: back-pressure on the callers.
   */
  BLOCK,
  /** The write is refused at once with a {@link WriteBehindQueueFullException}. */
  REJECT
}
