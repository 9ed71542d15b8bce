package dev.strata.cache.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.strata.cache.TtlPolicy;
import dev.strata.testsupport.RedisServer;
import dev.strata.testsupport.WithRedis;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.lettuce.core.RedisClient;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Faults of a real redis-server: paused, frozen, killed, restarted. Reads degrade to misses,
 * loaders still serve, writes are skipped, invalidations fail loudly, and the cache recovers by
 * itself.
 */
@WithRedis
class RedisCacheResilienceTest {

  private static final Duration TIMEOUT = Duration.ofMillis(150);
  private static final Duration PATIENCE = Duration.ofSeconds(20);

  private RedisServer redis;
  private RedisClient client;
  private RedisCache<String, String> cache;

  @BeforeEach
  void setUp(RedisServer redis) {
    this.redis = redis;
    client = RedisClient.create(redis.uri());
    cache = newCache(RedisCache.builder(client));
  }

  private static RedisCache<String, String> newCache(RedisCache.Builder<String, String> builder) {
    return builder
        .name("resilient")
        .commandTimeout(TIMEOUT)
        .ttl(TtlPolicy.of(Duration.ofMinutes(5)))
        .circuitBreaker(
            CircuitBreakerConfig.custom()
                .slidingWindowSize(4)
                .minimumNumberOfCalls(4)
                .failureRateThreshold(50)
                .waitDurationInOpenState(Duration.ofMillis(300))
                .permittedNumberOfCallsInHalfOpenState(1)
                .build())
        .build();
  }

  /** Writes an entry and waits until it is readable (a busy machine may time out one write). */
  private static void putReliably(RedisCache<String, String> cache, String key, String value) {
    await()
        .atMost(PATIENCE)
        .until(
            () -> {
              try {
                cache.put(key, value);
              } catch (InvalidationFailedException e) {
                return false;
              }
              return value.equals(cache.getIfPresent(key));
            });
  }

  @AfterEach
  void tearDown() {
    cache.close();
    client.shutdown(0, 2, TimeUnit.SECONDS);
  }

  @Test
  void pausedRedisMakesReadsMissesWhileTheLoaderServesThenTheCircuitOpensAndRecovers() {
    putReliably(cache, "k", "v");
    redis.pause(Duration.ofSeconds(3));

    assertThat(cache.getIfPresent("k")).isNull();
    assertThat(cache.get("k", key -> "v")).isEqualTo("v");
    assertThat(cache.getAllPresent(List.of("k", "other"))).isEmpty();
    for (int i = 0; i < 4; i++) {
      assertThat(cache.getIfPresent("k")).isNull();
    }
    assertThat(cache.circuitBreaker().getState()).isEqualTo(CircuitBreaker.State.OPEN);
    long degraded = cache.redisStats().degradedReads();
    assertThat(cache.getIfPresent("k")).as("an open circuit answers at once").isNull();
    assertThat(cache.redisStats().degradedReads()).isEqualTo(degraded + 1);

    redis.awaitPauseEnd();
    await().atMost(PATIENCE).until(() -> "v".equals(cache.getIfPresent("k")));
    assertThat(cache.circuitBreaker().getState())
        .isIn(CircuitBreaker.State.CLOSED, CircuitBreaker.State.HALF_OPEN);
    assertThat(cache.redisStats().degradedCalls()).isGreaterThanOrEqualTo(7);
  }

  @Test
  void frozenRedisNeverBlocksTheAsyncCallerAndItsStagesCompleteAsMisses() throws Exception {
    putReliably(cache, "k", "v");
    redis.suspend();
    try {
      CompletableFuture<String> read = cache.async().getIfPresent("k").toCompletableFuture();
      CompletableFuture<String> loaded =
          cache
              .async()
              .get("k", key -> CompletableFuture.completedFuture("loaded"))
              .toCompletableFuture();
      CompletableFuture<Map<String, String>> bulk =
          cache.async().getAllPresent(List.of("k")).toCompletableFuture();
      CompletableFuture<Void> write = cache.async().put("x", "y").toCompletableFuture();
      CompletableFuture<Void> invalidation = cache.async().invalidate("k").toCompletableFuture();

      assertThat(read).isNotDone();
      assertThat(read.get(PATIENCE.toMillis(), TimeUnit.MILLISECONDS)).isNull();
      assertThat(loaded.get(PATIENCE.toMillis(), TimeUnit.MILLISECONDS)).isEqualTo("loaded");
      assertThat(bulk.get(PATIENCE.toMillis(), TimeUnit.MILLISECONDS)).isEmpty();
      await().atMost(PATIENCE).until(write::isDone);
      assertThat(write)
          .as("a put that could neither write nor remove the old value fails")
          .isCompletedExceptionally()
          .failsWithin(Duration.ZERO)
          .withThrowableThat()
          .havingCause()
          .isInstanceOf(InvalidationFailedException.class);
      await().atMost(PATIENCE).until(invalidation::isDone);
      assertThat(invalidation)
          .isCompletedExceptionally()
          .failsWithin(Duration.ZERO)
          .withThrowableThat()
          .havingCause()
          .isInstanceOf(InvalidationFailedException.class);
    } finally {
      redis.resume();
    }
    // commands already on the wire when they timed out (the UNLINK too) still run on resume
    putReliably(cache, "k", "after");
  }

  @Test
  void killedRedisDegradesEveryReadAndWriteAndFailsInvalidationsLoudly() {
    putReliably(cache, "k", "v");
    redis.kill();

    assertThat(cache.getIfPresent("k")).isNull();
    assertThat(cache.get("k", key -> "from-loader")).isEqualTo("from-loader");
    assertThat(cache.getAll(List.of("a", "b"), key -> key + "!"))
        .isEqualTo(Map.of("a", "a!", "b", "b!"));
    assertThatThrownBy(() -> cache.put("x", "1"))
        .as("neither the write nor the removal of the old value reached Redis")
        .isInstanceOf(InvalidationFailedException.class);
    assertThatThrownBy(() -> cache.putAll(Map.of("y", "2", "z", "3")))
        .isInstanceOf(InvalidationFailedException.class);
    assertThatThrownBy(() -> cache.invalidate("k"))
        .isInstanceOf(InvalidationFailedException.class)
        .hasMessageContaining("'resilient'")
        .hasMessageContaining("stale entries may remain");
    assertThatThrownBy(() -> cache.invalidateAll(List.of("a")))
        .isInstanceOf(InvalidationFailedException.class);
    assertThatThrownBy(() -> cache.invalidateAll()).isInstanceOf(InvalidationFailedException.class);

    RedisCacheStats stats = cache.redisStats();
    assertThat(stats.degradedReads()).isGreaterThanOrEqualTo(3);
    assertThat(stats.skippedWrites()).isGreaterThanOrEqualTo(6);
    assertThat(stats.failedInvalidations()).as("3 invalidations and 2 puts").isEqualTo(5);

    redis.restart();
    await()
        .atMost(PATIENCE)
        .ignoreException(InvalidationFailedException.class)
        .untilAsserted(
            () -> {
              cache.put("back", "again");
              assertThat(cache.getIfPresent("back")).isEqualTo("again");
            });
    cache.invalidate("back");
    assertThat(cache.getIfPresent("back")).isNull();
  }

  @Test
  void aCacheThatOwnsItsClientRejectsCommandsAtOnceWhileDisconnectedAndReconnects() {
    try (RedisCache<String, String> owned = newCache(RedisCache.builder(redis.uri()))) {
      putReliably(owned, "k", "v");
      redis.kill();

      assertThat(owned.get("k", key -> "loaded")).isEqualTo("loaded");
      assertThatThrownBy(() -> owned.put("k2", "v2"))
          .isInstanceOf(InvalidationFailedException.class);
      assertThat(owned.redisStats().skippedWrites()).as("the fill and the put").isEqualTo(2);

      redis.restart();
      await()
          .atMost(PATIENCE)
          .ignoreException(InvalidationFailedException.class)
          .untilAsserted(
              () -> {
                owned.put("k", "after");
                assertThat(owned.getIfPresent("k")).isEqualTo("after");
              });
    }
  }

  @Test
  void aRestartInTheMiddleOfALoadStillGivesTheCallerItsValue() throws Exception {
    CountDownLatch loading = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    AtomicInteger loads = new AtomicInteger();
    CompletableFuture<String> caller =
        CompletableFuture.supplyAsync(
            () ->
                cache.get(
                    "k",
                    key -> {
                      loads.incrementAndGet();
                      loading.countDown();
                      assertThat(release.await(30, TimeUnit.SECONDS)).isTrue();
                      return "loaded";
                    }));
    assertThat(loading.await(30, TimeUnit.SECONDS)).isTrue();

    redis.restart();
    release.countDown();

    assertThat(caller.get(30, TimeUnit.SECONDS)).isEqualTo("loaded");
    assertThat(loads).hasValue(1);
    await()
        .atMost(PATIENCE)
        .untilAsserted(() -> assertThat(cache.get("k", key -> "loaded")).isEqualTo("loaded"));
    await().atMost(PATIENCE).until(() -> "loaded".equals(cache.getIfPresent("k")));
  }
}
