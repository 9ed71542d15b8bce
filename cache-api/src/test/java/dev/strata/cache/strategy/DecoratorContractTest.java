package dev.strata.cache.strategy;

import dev.strata.cache.Cache;
import dev.strata.cache.CacheWriter;
import dev.strata.cache.TtlPolicy;
import dev.strata.cache.contract.CacheContractTest;
import dev.strata.cache.contract.InMemoryCache;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ForkJoinPool;
import org.junit.jupiter.api.Nested;

/** Every strategy decorator keeps the cache contract of the cache it decorates. */
class DecoratorContractTest {

  /** A writer that keeps rows in a map. */
  static final class MapWriter implements CacheWriter<String, String> {
    final Map<String, String> rows = new ConcurrentHashMap<>();

    @Override
    public void write(String key, String value) {
      rows.put(key, value);
    }

    @Override
    public void delete(String key) {
      rows.remove(key);
    }
  }

  @Nested
  class ReadThrough extends CacheContractTest {
    @Override
    protected Cache<String, String> newCache(String name, TtlPolicy ttl) {
      return ReadThroughCache.builder(new InMemoryCache<String, String>(name, ttl), key -> null)
          .refreshAfter(Duration.ofMinutes(1))
          .ttl(Duration.ofMinutes(2))
          .refreshExecutor(ForkJoinPool.commonPool())
          .build();
    }
  }

  @Nested
  class WriteThrough extends CacheContractTest {
    @Override
    protected Cache<String, String> newCache(String name, TtlPolicy ttl) {
      return WriteThroughCache.builder(
              new InMemoryCache<String, String>(name, ttl), new MapWriter())
          .build();
    }
  }

  @Nested
  class WriteBehind extends CacheContractTest {
    @Override
    protected Cache<String, String> newCache(String name, TtlPolicy ttl) {
      return WriteBehindCache.builder(new InMemoryCache<String, String>(name, ttl), new MapWriter())
          .maxDelay(Duration.ofMillis(20))
          .build();
    }
  }
}
