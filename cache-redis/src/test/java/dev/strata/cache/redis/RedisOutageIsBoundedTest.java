package dev.strata.cache.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.strata.cache.invalidation.InvalidationEvent;
import dev.strata.redis.RedisConnector;
import dev.strata.redis.RedisSettings;
import dev.strata.testsupport.RedisServer;
import dev.strata.testsupport.RedisServerExtension;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * While Redis is stopped, a cache's puts and a bus's publishes are refused at once by the
 * connection policy and counted, instead of piling up in memory to be replayed later.
 */
@ExtendWith(RedisServerExtension.class)
class RedisOutageIsBoundedTest {

  private static final int N = 100_000;

  @Test
  @Timeout(value = 10, unit = TimeUnit.MINUTES)
  void putsAndPublishesWhileRedisIsStoppedAreRejectedAndCountedNotQueued(RedisServer redis) {
    // a breaker that never opens, so that every put reaches the connection
    CircuitBreakerConfig neverOpens =
        CircuitBreakerConfig.custom().recordException(e -> false).build();
    try (RedisConnector connector =
            RedisConnector.create(RedisSettings.builder(redis.uri()).build());
        RedisCache<String, String> cache =
            RedisCache.builder(connector).name("outage").circuitBreaker(neverOpens).build();
        RedisInvalidationBus bus = RedisInvalidationBus.builder(connector).build()) {
      cache.put("before", "v");
      redis.kill();
      await()
          .atMost(Duration.ofSeconds(30))
          .until(
              () -> {
                cache.put("probe", "v");
                return connector.rejectedCommands() > 0;
              });
      long rejectedBefore = connector.rejectedCommands();
      long skippedBefore = cache.redisStats().skippedWrites();

      for (int i = 0; i < N; i++) {
        cache.put("k" + i, "v");
        bus.publish(InvalidationEvent.keys("outage", java.util.List.of("k" + i), "node"));
      }

      assertThat(cache.redisStats().skippedWrites() - skippedBefore).isEqualTo(N);
      await().atMost(Duration.ofSeconds(30)).until(() -> bus.publishFailureCount() == N);
      // every put and publish failed at once; (nearly) all of them as rejected commands
      assertThat(connector.rejectedCommands() - rejectedBefore).isGreaterThan(2L * N - 100);

      // nothing was held back to be replayed: after a restart only what is written now is there
      redis.restart();
      await()
          .atMost(Duration.ofSeconds(30))
          .until(
              () -> {
                cache.put("after", "v");
                return "v".equals(cache.getIfPresent("after"));
              });
      assertThat(redis.command("DBSIZE")).isEqualTo(1L);
    }
  }
}
