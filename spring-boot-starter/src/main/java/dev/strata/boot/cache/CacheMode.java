package dev.strata.boot.cache;

/** Where a cache keeps its entries. */
public enum CacheMode {
  /** Tiered when Redis is configured, local otherwise. */
  AUTO,
  /** In this process only (Caffeine). */
  LOCAL,
  /** In Redis only, shared by every instance. */
  REDIS,
  /**
   * A local level in front of Redis; writes and evictions on one instance drop the local copies on
   * every other instance through Redis pub/sub.
   */
  TIERED
}
