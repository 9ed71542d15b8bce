package dev.strata.cache.invalidation;

import dev.strata.cache.Cache;
import dev.strata.cache.KeyCodec;
import dev.strata.cache.TtlPolicy;
import dev.strata.cache.contract.CacheContractTest;
import dev.strata.cache.contract.InMemoryCache;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Nested;

/** The invalidation decorators keep the cache contract. */
class InvalidationContractTest {

  private static final LocalInvalidationBus BUS = LocalInvalidationBus.create("contract");
  private static final InMemoryVersionStore VERSIONS = new InMemoryVersionStore();

  @AfterAll
  static void closeBus() {
    BUS.close();
  }

  @Nested
  class Versioned extends CacheContractTest {
    @Override
    protected Cache<String, String> newCache(String name, TtlPolicy ttl) {
      return VersionedCache.builder(
              new InMemoryCache<String, String>(name, ttl), KeyCodec.string(), VERSIONS)
          .build();
    }
  }

  @Nested
  class VersionedWithKeyVersions extends CacheContractTest {
    @Override
    protected Cache<String, String> newCache(String name, TtlPolicy ttl) {
      return VersionedCache.builder(
              new InMemoryCache<String, String>(name, ttl), KeyCodec.string(), VERSIONS)
          .keyVersions(true)
          .build();
    }
  }

  @Nested
  class Broadcasting extends CacheContractTest {
    @Override
    protected Cache<String, String> newCache(String name, TtlPolicy ttl) {
      return InvalidationBroadcastingCache.builder(
              new InMemoryCache<String, String>(name, ttl), BUS, KeyCodec.string())
          .build();
    }
  }
}
