package dev.strata.cache.spi;

import dev.strata.cache.CacheStats;
import java.util.concurrent.atomic.LongAdder;

/** A {@link StatsCounter} of {@link LongAdder}s: contention-free increments, exact snapshots. */
final class ConcurrentStatsCounter implements StatsCounter {
  private final LongAdder hits = new LongAdder();
  private final LongAdder misses = new LongAdder();
  private final LongAdder loadSuccesses = new LongAdder();
  private final LongAdder loadFailures = new LongAdder();
  private final LongAdder loadTime = new LongAdder();
  private final LongAdder evictions = new LongAdder();

  @Override
  public void recordHits(int count) {
    hits.add(count);
  }

  @Override
  public void recordMisses(int count) {
    misses.add(count);
  }

  @Override
  public void recordLoadSuccess(long loadTimeNanos) {
    loadSuccesses.increment();
    loadTime.add(loadTimeNanos);
  }

  @Override
  public void recordLoadFailure(long loadTimeNanos) {
    loadFailures.increment();
    loadTime.add(loadTimeNanos);
  }

  @Override
  public void recordEvictions(int count) {
    evictions.add(count);
  }

  @Override
  public CacheStats snapshot() {
    return new CacheStats(
        hits.sum(),
        misses.sum(),
        loadSuccesses.sum(),
        loadFailures.sum(),
        loadTime.sum(),
        evictions.sum());
  }
}
