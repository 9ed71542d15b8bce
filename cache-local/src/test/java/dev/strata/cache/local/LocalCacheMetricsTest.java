package dev.strata.cache.local;

import static org.assertj.core.api.Assertions.assertThat;

import dev.strata.cache.metrics.CacheMetrics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

class LocalCacheMetricsTest {

  @Test
  void theCacheMetricsBinderReportsWhatTheLocalCacheCounted() {
    LocalCache<String, String> cache =
        LocalCache.<String, String>builder()
            .name("users")
            .maximumSize(2)
            .executor(Runnable::run)
            .build();
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    new CacheMetrics(cache).bindTo(registry);

    cache.get("a", key -> "A");
    cache.get("a", key -> "A");
    cache.getIfPresent("missing");
    cache.put("b", "B");
    cache.put("c", "C");
    cache.cleanUp();

    assertThat(registry.get("strata.cache.gets").tag("result", "hit").functionCounter().count())
        .isEqualTo(1);
    assertThat(registry.get("strata.cache.gets").tag("result", "miss").functionCounter().count())
        .isEqualTo(2);
    assertThat(
            registry.get("strata.cache.loads").tag("result", "success").functionCounter().count())
        .isEqualTo(1);
    assertThat(registry.get("strata.cache.evictions").functionCounter().count()).isEqualTo(1);
    assertThat(registry.get("strata.cache.size").tag("cache", "users").gauge().value())
        .isEqualTo(2);
  }
}
