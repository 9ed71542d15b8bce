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
 * connection policy and counted, instead of piling up in memory to be replayed later. A put whose
 * SET is refused tries to remove the old value (UNLINK), is refused again and fails with {@link
 * InvalidationFailedException}.
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
                putIgnoringFailure(cache, "probe");
                return connector.rejectedCommands() > 0;
              });
      long rejectedBefore = connector.rejectedCommands();
      long skippedBefore = cache.redisStats().skippedWrites();
      long failedBefore = cache.redisStats().failedInvalidations();

      int failedPuts = 0;
      for (int i = 0; i < N; i++) {
        failedPuts += putIgnoringFailure(cache, "k" + i) ? 0 : 1;
        bus.publish(InvalidationEvent.keys("outage", java.util.List.of("k" + i), "node"));
      }

      assertThat(failedPuts).isEqualTo(N);
      assertThat(cache.redisStats().skippedWrites() - skippedBefore).isEqualTo(N);
      assertThat(cache.redisStats().failedInvalidations() - failedBefore).isEqualTo(N);
      await().atMost(Duration.ofSeconds(30)).until(() -> bus.publishFailureCount() == N);
      // every put (SET, then UNLINK) and publish failed at once; (nearly) all as rejected commands
      assertThat(connector.rejectedCommands() - rejectedBefore).isGreaterThan(3L * N - 100);

      // nothing was held back to be replayed: after a restart only what is written now is there
      redis.restart();
      await()
          .atMost(Duration.ofSeconds(30))
          .until(
              () -> putIgnoringFailure(cache, "after") && "v".equals(cache.getIfPresent("after")));
      assertThat(redis.command("DBSIZE")).isEqualTo(1L);
    }
  }

  /** Puts {@code v}; returns false when the put failed because Redis could not be reached. */
  private static boolean putIgnoringFailure(RedisCache<String, String> cache, String key) {
    try {
      cache.put(key, "v");
      return true;
    } catch (InvalidationFailedException e) {
      return false;
    }
  }
}
