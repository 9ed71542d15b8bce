package dev.strata.cache.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.strata.cache.Cache;
import dev.strata.cache.contract.InMemoryCache;
import dev.strata.cache.spi.ForwardingCache;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.OptionalLong;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class CacheMetricsTest {

  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

  @Test
  void exposesHitsMissesLoadsLoadTimeEvictionsAndSize() {
    InMemoryCache<String, String> users = new InMemoryCache<>("users");
    new CacheMetrics(users, Tags.of("tier", "local")).bindTo(registry);

    users.put("a", "A");
    users.getIfPresent("a");
    users.getIfPresent("b");
    users.get("c", key -> "C");
    assertThatThrownBy(
            () ->
                users.get(
                    "d",
                    key -> {
                      throw new IllegalStateException("down");
                    }))
        .isInstanceOf(IllegalStateException.class);

    assertThat(count("strata.cache.gets", "hit")).isEqualTo(1);
    assertThat(count("strata.cache.gets", "miss")).isEqualTo(3);
    assertThat(count("strata.cache.loads", "success")).isEqualTo(1);
    assertThat(count("strata.cache.loads", "failure")).isEqualTo(1);
    assertThat(
            registry
                .get("strata.cache.load.duration")
                .tags("cache", "users", "tier", "local")
                .functionTimer()
                .count())
        .isEqualTo(2);
    assertThat(
            registry
                .get("strata.cache.load.duration")
                .functionTimer()
                .totalTime(TimeUnit.NANOSECONDS))
        .isPositive();
    assertThat(registry.get("strata.cache.evictions").functionCounter().count()).isZero();
    assertThat(registry.get("strata.cache.size").tags("cache", "users").gauge().value())
        .isEqualTo(2);
  }

  @Test
  void noSizeGaugeForACacheThatCannotTell() {
    Cache<String, String> opaque =
        new ForwardingCache<String, String>(
            new InMemoryCache<>("opaque"), ForkJoinPool.commonPool()) {
          @Override
          public OptionalLong estimatedSize() {
            return OptionalLong.empty();
          }
        };

    new CacheMetrics(opaque).bindTo(registry);

    assertThat(registry.find("strata.cache.size").gauge()).isNull();
    assertThat(registry.get("strata.cache.gets").tags("cache", "opaque").functionCounters())
        .hasSize(2);
  }

  private double count(String name, String result) {
    return registry
        .get(name)
        .tags("cache", "users", "tier", "local", "result", result)
        .functionCounter()
        .count();
  }
}
