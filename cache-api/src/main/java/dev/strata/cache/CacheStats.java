package dev.strata.cache;

/**
 * An immutable snapshot of a cache's statistics. Counts only grow over a cache's life; subtract two
 * snapshots with {@link #minus(CacheStats)} to see what happened in between.
 *
 * @param hitCount lookups that found a value (or a negative entry)
 * @param missCount lookups that found nothing
 * @param loadSuccessCount loads that completed (including those that found nothing)
 * @param loadFailureCount loads that threw
 * @param totalLoadTimeNanos time spent in loads, successful or not
 * @param evictionCount entries removed for size or expiry (not explicit invalidations)
 */
public record CacheStats(
    long hitCount,
    long missCount,
    long loadSuccessCount,
    long loadFailureCount,
    long totalLoadTimeNanos,
    long evictionCount) {

  private static final CacheStats EMPTY = new CacheStats(0, 0, 0, 0, 0, 0);

  /** Validates that no count is negative. */
  public CacheStats {
    if (hitCount < 0
        || missCount < 0
        || loadSuccessCount < 0
        || loadFailureCount < 0
        || totalLoadTimeNanos < 0
        || evictionCount < 0) {
      throw new IllegalArgumentException("cache statistics must not be negative");
    }
  }

  /**
   * Returns a snapshot with every count zero.
   *
   * @return the empty snapshot
   */
  public static CacheStats empty() {
    return EMPTY;
  }

  /** Returns {@code hitCount + missCount}. */
  public long requestCount() {
    return hitCount + missCount;
  }

  /** Returns the share of lookups that hit, or 1.0 when there were none. */
  public double hitRate() {
    long requests = requestCount();
    return requests == 0 ? 1.0 : (double) hitCount / requests;
  }

  /** Returns the share of lookups that missed, or 0.0 when there were none. */
  public double missRate() {
    long requests = requestCount();
    return requests == 0 ? 0.0 : (double) missCount / requests;
  }

  /** Returns {@code loadSuccessCount + loadFailureCount}. */
  public long loadCount() {
    return loadSuccessCount + loadFailureCount;
  }

  /** Returns the mean time of a load in nanoseconds, or 0 when there were none. */
  public double averageLoadPenaltyNanos() {
    long loads = loadCount();
    return loads == 0 ? 0.0 : (double) totalLoadTimeNanos / loads;
  }

  /**
   * Returns the difference between this snapshot and an earlier one, clamped at zero.
   *
   * @param earlier a snapshot taken before this one
   * @return what happened between the two snapshots
   */
  public CacheStats minus(CacheStats earlier) {
    return new CacheStats(
        Math.max(0, hitCount - earlier.hitCount),
        Math.max(0, missCount - earlier.missCount),
        Math.max(0, loadSuccessCount - earlier.loadSuccessCount),
        Math.max(0, loadFailureCount - earlier.loadFailureCount),
        Math.max(0, totalLoadTimeNanos - earlier.totalLoadTimeNanos),
        Math.max(0, evictionCount - earlier.evictionCount));
  }

  /**
   * Returns the sum of this snapshot and another (for example the two levels of a tiered cache).
   *
   * @param other the snapshot to add
   * @return the sum
   */
  public CacheStats plus(CacheStats other) {
    return new CacheStats(
        hitCount + other.hitCount,
        missCount + other.missCount,
        loadSuccessCount + other.loadSuccessCount,
        loadFailureCount + other.loadFailureCount,
        totalLoadTimeNanos + other.totalLoadTimeNanos,
        evictionCount + other.evictionCount);
  }
}
