package dev.strata.demo.service;

import dev.strata.cache.CacheStats;
import dev.strata.cache.redis.TieredCache;
import org.jspecify.annotations.Nullable;
import org.springframework.cache.Cache;
import org.springframework.cache.CacheManager;

/**
 * This instance's statistics of the {@code products} cache.
 *
 * @param hits lookups answered by the cache (either level)
 * @param misses lookups that went to the database
 * @param l1Hits lookups answered by the local level, or null when the cache is not tiered
 */
record CacheNumbers(long hits, long misses, @Nullable Long l1Hits) {

  static CacheNumbers of(CacheManager caches) {
    Cache cache = caches.getCache(ProductCatalog.CACHE);
    if (cache == null || !(cache.getNativeCache() instanceof dev.strata.cache.Cache<?, ?> strata)) {
      return new CacheNumbers(0, 0, null);
    }
    CacheStats stats = strata.stats();
    Long l1 = strata instanceof TieredCache<?, ?> tiered ? tiered.l1Stats().hitCount() : null;
    return new CacheNumbers(stats.hitCount(), stats.missCount(), l1);
  }
}
