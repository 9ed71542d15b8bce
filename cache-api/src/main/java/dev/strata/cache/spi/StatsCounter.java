package dev.strata.cache.spi;

import dev.strata.cache.CacheStats;

/**
 * Accumulates the statistics of one cache. Implementations must be thread-safe and cheap enough to
 * call on every lookup.
 */
public interface StatsCounter {

  /** Records {@code count} lookups that found a value. */
  void recordHits(int count);

  /** Records {@code count} lookups that found nothing. */
  void recordMisses(int count);

  /** Records a load that completed after {@code loadTimeNanos}. */
  void recordLoadSuccess(long loadTimeNanos);

  /** Records a load that failed after {@code loadTimeNanos}. */
  void recordLoadFailure(long loadTimeNanos);

  /** Records {@code count} entries evicted for size or expiry. */
  void recordEvictions(int count);

  /**
   * Returns the counts so far.
   *
   * @return an immutable snapshot
   */
  CacheStats snapshot();

  /**
   * Returns a new counter backed by {@link java.util.concurrent.atomic.LongAdder}s, suited to
   * concurrent updates.
   *
   * @return a new, zeroed counter
   */
  static StatsCounter concurrent() {
    return new ConcurrentStatsCounter();
  }

  /**
   * Returns a counter that records nothing and always reports {@link CacheStats#empty()}.
   *
   * @return the shared disabled counter
   */
  static StatsCounter disabled() {
    return DisabledStatsCounter.INSTANCE;
  }
}
