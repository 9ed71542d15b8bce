package dev.strata.cache.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import dev.strata.cache.CacheWriter;
import dev.strata.cache.contract.InMemoryCache;
import dev.strata.cache.strategy.WriteBehindCache;
import io.github.resilience4j.retry.RetryConfig;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

class WriteBehindMetricsTest {

  /** A writer of rows in a map that can be switched to failing. */
  static final class SwitchableWriter implements CacheWriter<Long, String> {
    final Map<Long, String> rows = new ConcurrentHashMap<>();
    final AtomicBoolean failing = new AtomicBoolean();

    @Override
    public void write(Long key, String value) {
      if (failing.get()) {
        throw new IllegalStateException("database down");
      }
      rows.put(key, value);
    }

    @Override
    public void delete(Long key) {
      rows.remove(key);
    }
  }

  @Test
  void exposesQueueDepthBatchesFlushTimesRetriesAndDeadLetters() throws Exception {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    SwitchableWriter writer = new SwitchableWriter();
    try (WriteBehindCache<Long, String> cache =
        WriteBehindCache.builder(new InMemoryCache<Long, String>("orders"), writer)
            .batchSize(4)
            .maxDelay(Duration.ofHours(1))
            .retry(RetryConfig.custom().maxAttempts(3).waitDuration(Duration.ofMillis(5)).build())
            .deadLetterHandler((writes, error) -> {})
            .build()) {
      new WriteBehindMetrics(cache).bindTo(registry);

      cache.put(1L, "a");
      cache.put(1L, "b");
      cache.put(2L, "c");
      assertThat(registry.get("strata.cache.write.behind.queue.depth").gauge().value())
          .isEqualTo(2);
      cache.flush();
      writer.failing.set(true);
      cache.put(3L, "d");
      cache.flush();

      assertThat(writes(registry, "accepted")).isEqualTo(4);
      assertThat(writes(registry, "coalesced")).isEqualTo(1);
      assertThat(writes(registry, "written")).isEqualTo(2);
      assertThat(writes(registry, "rejected")).isZero();
      assertThat(registry.get("strata.cache.write.behind.batch.size").summary().count())
          .isEqualTo(1);
      assertThat(registry.get("strata.cache.write.behind.batch.size").summary().totalAmount())
          .isEqualTo(2);
      assertThat(
              registry
                  .get("strata.cache.write.behind.flush")
                  .tags("cache", "orders", "result", "success")
                  .timer()
                  .count())
          .isEqualTo(1);
      assertThat(
              registry
                  .get("strata.cache.write.behind.flush")
                  .tags("result", "failure")
                  .timer()
                  .count())
          .isEqualTo(1);
      assertThat(registry.get("strata.cache.write.behind.retries").functionCounter().count())
          .isEqualTo(2);
      assertThat(registry.get("strata.cache.write.behind.dead.lettered").functionCounter().count())
          .isEqualTo(1);
      assertThat(registry.get("strata.cache.write.behind.queue.depth").gauge().value()).isZero();
    }
  }

  private static double writes(SimpleMeterRegistry registry, String result) {
    return registry
        .get("strata.cache.write.behind.writes")
        .tags("result", result)
        .functionCounter()
        .count();
  }
}
