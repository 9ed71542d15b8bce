package dev.strata.cache.spi;

import dev.strata.cache.CacheStats;

/** A {@link StatsCounter} that keeps nothing. */
enum DisabledStatsCounter implements StatsCounter {
  INSTANCE;

  @Override
  public void recordHits(int count) {}

  @Override
  public void recordMisses(int count) {}

  @Override
  public void recordLoadSuccess(long loadTimeNanos) {}

  @Override
  public void recordLoadFailure(long loadTimeNanos) {}

  @Override
  public void recordEvictions(int count) {}

  @Override
  public CacheStats snapshot() {
    return CacheStats.empty();
  }
}
