package dev.strata.cache.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.strata.cache.redis.metrics.RedisCacheMetrics;
import dev.strata.testsupport.RedisServer;
import dev.strata.testsupport.WithRedis;
import io.lettuce.core.RedisClient;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

@WithRedis
class RedisCacheMetricsTest {

  @Test
  void metersReportHitsMissesLoadsDegradedCallsAndCorruptEntries(RedisServer redis) {
    RedisClient client = RedisClient.create(redis.uri());
    try (RedisCache<String, String> cache =
        RedisCache.builder(client)
            .name("metered")
            .commandTimeout(java.time.Duration.ofMillis(200))
            .build()) {
      SimpleMeterRegistry registry = new SimpleMeterRegistry();
      new RedisCacheMetrics(cache, Tags.of("app", "test")).bindTo(registry);

      cache.put("a", "1");
      cache.getIfPresent("a");
      cache.get("b", k -> "2");
      redis.command("SET", "strata:c:metered:bad", "junk");
      cache.getIfPresent("bad");
      redis.kill();
      cache.getIfPresent("a");
      assertThatThrownBy(() -> cache.put("c", "3")).isInstanceOf(InvalidationFailedException.class);

      assertThat(count(registry, "strata.cache.gets", "result", "hit")).isEqualTo(1);
      assertThat(count(registry, "strata.cache.gets", "result", "miss")).isEqualTo(3);
      assertThat(count(registry, "strata.cache.loads", "result", "success")).isEqualTo(1);
      assertThat(registry.get("strata.cache.load.duration").functionTimer().count()).isEqualTo(1);
      assertThat(
              registry
                  .get("strata.cache.load.duration")
                  .functionTimer()
                  .totalTime(TimeUnit.NANOSECONDS))
          .isPositive();
      assertThat(count(registry, "strata.cache.redis.leases", "result", "granted")).isEqualTo(1);
      assertThat(count(registry, "strata.cache.redis.fills", "result", "landed")).isEqualTo(1);
      assertThat(count(registry, "strata.cache.redis.fills", "result", "rejected_stale")).isZero();
      assertThat(count(registry, "strata.cache.redis.degraded", "operation", "read")).isEqualTo(1);
      assertThat(count(registry, "strata.cache.redis.degraded", "operation", "write")).isEqualTo(1);
      assertThat(
              registry
                  .get("strata.cache.redis.corrupt")
                  .tag("app", "test")
                  .functionCounter()
                  .count())
          .isEqualTo(1);
      assertThat(
              registry
                  .get("strata.cache.redis.circuit.state")
                  .tag("cache", "metered")
                  .gauge()
                  .value())
          .isZero();
    } finally {
      client.shutdown(0, 2, TimeUnit.SECONDS);
    }
  }

  private static double count(SimpleMeterRegistry registry, String name, String key, String value) {
    return registry.get(name).tag(key, value).tag("cache", "metered").functionCounter().count();
  }
}
