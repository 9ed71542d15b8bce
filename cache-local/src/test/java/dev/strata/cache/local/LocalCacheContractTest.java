package dev.strata.cache.local;

import dev.strata.cache.Cache;
import dev.strata.cache.TtlPolicy;
import dev.strata.cache.contract.CacheContractTest;

/** Runs the Strata cache contract against {@link LocalCache}. */
class LocalCacheContractTest extends CacheContractTest {

  @Override
  protected Cache<String, String> newCache(String name, TtlPolicy ttl) {
    return LocalCache.<String, String>builder().name(name).maximumSize(10_000).ttl(ttl).build();
  }
}
