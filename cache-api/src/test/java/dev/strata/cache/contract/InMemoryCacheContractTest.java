package dev.strata.cache.contract;

import dev.strata.cache.Cache;
import dev.strata.cache.TtlPolicy;

/** Runs the cache contract against the in-memory test cache. */
class InMemoryCacheContractTest extends CacheContractTest {

  @Override
  protected Cache<String, String> newCache(String name, TtlPolicy ttl) {
    return new InMemoryCache<>(name, ttl);
  }
}
