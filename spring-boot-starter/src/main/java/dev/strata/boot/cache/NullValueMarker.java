package dev.strata.boot.cache;

/**
 * What a Spring cache stores for a {@code null} value put with {@code @CachePut} or {@code
 * Cache.put} (Strata caches never hold a null): stored for the cache's negative TTL and read back
 * as a cached null.
 */
enum NullValueMarker {
  INSTANCE
}
