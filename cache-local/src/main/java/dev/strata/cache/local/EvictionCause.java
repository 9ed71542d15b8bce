package dev.strata.cache.local;

/**
 * Why a {@link LocalCache} dropped an entry on its own (as opposed to an explicit invalidation).
 */
public enum EvictionCause {
  /** The cache was over its maximum size or weight and chose this entry to make room. */
  SIZE,
  /** The entry's TTL ran out. */
  EXPIRED
}
