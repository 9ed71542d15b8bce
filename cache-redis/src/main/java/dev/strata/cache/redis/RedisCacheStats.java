package dev.strata.cache.redis;

/**
 * An immutable snapshot of what a {@link RedisCache} did when Redis misbehaved, beside the common
 * {@link dev.strata.cache.CacheStats}. Counts only grow over a cache's life.
 *
 * @param degradedReads reads answered as misses because Redis was down, slow or the circuit was
 *     open
 * @param skippedWrites writes not made: Redis down, slow, circuit open, or a loaded value that
 *     could not be encoded or was larger than the maximum
 * @param failedInvalidations invalidations that could not reach Redis (each threw {@link
 *     InvalidationFailedException})
 * @param corruptValues entries that could not be decoded (or held another Redis type); each was
 *     read as a miss and deleted
 */
public record RedisCacheStats(
    long degradedReads, long skippedWrites, long failedInvalidations, long corruptValues) {

  /**
   * Returns every call that did not do what it would have done with a healthy Redis: degraded
   * reads, skipped writes and failed invalidations.
   *
   * @return the sum of the three counts
   */
  public long degradedCalls() {
    return degradedReads + skippedWrites + failedInvalidations;
  }
}
