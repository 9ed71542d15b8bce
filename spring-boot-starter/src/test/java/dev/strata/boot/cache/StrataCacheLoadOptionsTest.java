package dev.strata.boot.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.strata.boot.StrataConfigurationException;
import dev.strata.boot.redis.StrataRedisAutoConfiguration;
import dev.strata.cache.Cache;
import dev.strata.cache.CacheLoadException;
import dev.strata.cache.redis.RedisCache;
import dev.strata.testsupport.RedisServer;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.codec.ByteArrayCodec;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.cache.CacheManager;

/**
 * The load options of a cache (load-timeout, lease-duration, lease-max-wait, tombstone-ttl,
 * early-refresh-beta): they reach the built caches, and bad values fail startup naming the
 * property.
 */
class StrataCacheLoadOptionsTest {

  private static RedisServer redis;
  private static RedisClient rawClient;
  private static StatefulRedisConnection<byte[], byte[]> rawConnection;

  private final ApplicationContextRunner runner =
      new ApplicationContextRunner()
          .withConfiguration(
              AutoConfigurations.of(
                  StrataRedisAutoConfiguration.class, StrataCacheAutoConfiguration.class));

  @BeforeAll
  static void startRedis() {
    redis = RedisServer.start();
    rawClient = RedisClient.create(redis.uri());
    rawConnection = rawClient.connect(ByteArrayCodec.INSTANCE);
  }

  @AfterAll
  static void stopRedis() {
    rawConnection.close();
    rawClient.shutdown();
    redis.close();
  }

  @ParameterizedTest
  @ValueSource(strings = {"local", "redis", "tiered"})
  void loadTimeoutFreesTheWaitersOfAHungLoad(String mode) {
    runner
        .withPropertyValues(
            "strata.redis.url=" + redis.uri(),
            "strata.cache.caches.hung-" + mode + ".mode=" + mode,
            "strata.cache.caches.hung-" + mode + ".load-timeout=300ms")
        .run(
            context -> {
              Cache<String, Object> cache = strataCache(context, "hung-" + mode);
              CountDownLatch loading = new CountDownLatch(1);
              CountDownLatch release = new CountDownLatch(1);
              CompletableFuture<Object> first =
                  CompletableFuture.supplyAsync(
                      () ->
                          cache.get(
                              "k",
                              key -> {
                                loading.countDown();
                                release.await();
                                return "late";
                              }));
              try {
                assertThat(loading.await(10, TimeUnit.SECONDS)).isTrue();
                CompletableFuture<Object> second =
                    CompletableFuture.supplyAsync(() -> cache.get("k", key -> "second"));
                assertThat(second)
                    .failsWithin(30, TimeUnit.SECONDS)
                    .withThrowableThat()
                    .withCauseInstanceOf(CacheLoadException.class)
                    .havingRootCause()
                    .isInstanceOf(TimeoutException.class);
              } finally {
                release.countDown();
                first.handle((value, failure) -> null).join();
              }
            });
  }

  @Test
  void leaseDurationAndTombstoneTtlReachTheRedisEntries() {
    runner
        .withPropertyValues(
            "strata.redis.url=" + redis.uri(),
            "strata.cache.caches.leased.mode=redis",
            "strata.cache.caches.leased.lease-duration=20m",
            "strata.cache.caches.leased.tombstone-ttl=40m")
        .run(
            context -> {
              Cache<String, Object> cache = strataCache(context, "leased");
              RedisCommands<byte[], byte[]> raw = rawConnection.sync();
              byte[] redisKey = "strata:c:leased:k".getBytes(StandardCharsets.UTF_8);
              CountDownLatch release = new CountDownLatch(1);
              CompletableFuture<Object> load =
                  CompletableFuture.supplyAsync(
                      () ->
                          cache.get(
                              "k",
                              key -> {
                                release.await();
                                return "v";
                              }));
              try {
                await().until(() -> kind(raw.get(redisKey)) == 'L');
                // the default lease lives 10 s
                assertThat(raw.pttl(redisKey)).isGreaterThan(Duration.ofMinutes(10).toMillis());
              } finally {
                release.countDown();
              }
              assertThat(load.join()).isEqualTo("v");
              cache.invalidate("k");
              assertThat(kind(raw.get(redisKey))).isEqualTo('T');
              // the default tombstone lives 60 s, and one never outlives its TTL
              assertThat(raw.pttl(redisKey))
                  .isGreaterThan(Duration.ofMinutes(30).toMillis())
                  .isLessThanOrEqualTo(Duration.ofMinutes(40).toMillis());
            });
  }

  @Test
  void leaseMaxWaitBoundsTheWaitForAnotherNodesLoad() {
    ApplicationContextRunner nodes =
        runner.withPropertyValues(
            "strata.redis.url=" + redis.uri(),
            "strata.cache.caches.waits.mode=redis",
            "strata.cache.caches.waits.lease-duration=20m",
            "strata.cache.caches.waits.lease-max-wait=10m");
    nodes.run(
        holderNode ->
            nodes.run(
                waiterNode -> {
                  Cache<String, Object> holder = strataCache(holderNode, "waits");
                  RedisCache<?, ?> waiter = (RedisCache<?, ?>) strataCache(waiterNode, "waits");
                  @SuppressWarnings("unchecked")
                  Cache<String, Object> waiterCache = (Cache<String, Object>) waiter;
                  CountDownLatch loading = new CountDownLatch(1);
                  CountDownLatch release = new CountDownLatch(1);
                  CompletableFuture<Object> held =
                      CompletableFuture.supplyAsync(
                          () ->
                              holder.get(
                                  "k",
                                  key -> {
                                    loading.countDown();
                                    release.await();
                                    return "holder's";
                                  }));
                  CompletableFuture<Object> waited;
                  try {
                    assertThat(loading.await(10, TimeUnit.SECONDS)).isTrue();
                    waited =
                        CompletableFuture.supplyAsync(() -> waiterCache.get("k", key -> "own"));
                    await().until(() -> waiter.leaseStats().waited() == 1);
                    // the default wait (2 s) would have run out and loaded by itself
                    await()
                        .during(Duration.ofSeconds(3))
                        .atMost(Duration.ofSeconds(5))
                        .until(() -> !waited.isDone());
                  } finally {
                    release.countDown();
                  }
                  assertThat(held.join()).isEqualTo("holder's");
                  assertThat(waited.get(30, TimeUnit.SECONDS)).isEqualTo("holder's");
                  assertThat(waiter.leaseStats().waitsTimedOut()).isZero();
                }));
  }

  @Test
  void earlyRefreshStoresLoadedEntriesAsRefreshable() {
    runner
        .withPropertyValues(
            "strata.redis.url=" + redis.uri(),
            "strata.cache.caches.plain.mode=redis",
            "strata.cache.caches.plain.ttl=10m",
            "strata.cache.caches.early.mode=redis",
            "strata.cache.caches.early.ttl=10m",
            "strata.cache.caches.early.early-refresh-beta=1.5")
        .run(
            context -> {
              RedisCommands<byte[], byte[]> raw = rawConnection.sync();
              strataCache(context, "plain").get("k", key -> "v");
              strataCache(context, "early").get("k", key -> "v");
              assertThat(kind(raw.get(bytes("strata:c:plain:k")))).isEqualTo('V');
              assertThat(kind(raw.get(bytes("strata:c:early:k")))).isEqualTo('X');
            });
  }

  @Test
  void aLongLeaseWithoutTombstoneTtlStartsWithTombstonesAsLongAsTheLease() {
    runner
        .withPropertyValues(
            "strata.redis.url=" + redis.uri(),
            "strata.cache.caches.slow.mode=redis",
            "strata.cache.caches.slow.lease-duration=5m")
        .run(
            context -> {
              Cache<String, Object> cache = strataCache(context, "slow");
              cache.put("k", "v");
              cache.invalidate("k");
              assertThat(rawConnection.sync().pttl(bytes("strata:c:slow:k")))
                  .isGreaterThan(Duration.ofMinutes(4).toMillis());
            });
  }

  @Test
  void aZeroLoadTimeoutFailsStartup() {
    assertStartupFails(
        "strata.cache.caches.users.load-timeout=0s",
        "strata.cache.caches.users.load-timeout = 'PT0S': must be a positive duration");
  }

  @Test
  void aLeaseDurationOutOfRangeFailsStartup() {
    assertStartupFails(
        "strata.cache.defaults.lease-duration=2h",
        "strata.cache.defaults.lease-duration = 'PT2H': must be from 1ms to 1h");
  }

  @Test
  void aLeaseMaxWaitLongerThanTheLeaseFailsStartup() {
    assertStartupFails(
        "strata.cache.caches.users.lease-max-wait=30s",
        "strata.cache.caches.users.lease-max-wait = 'PT30S': must be from 0 to the lease duration"
            + " (default PT10S)");
  }

  @Test
  void aTombstoneTtlShorterThanTheLeaseFailsStartup() {
    assertStartupFails(
        "strata.cache.caches.users.tombstone-ttl=30s",
        "strata.cache.caches.users.tombstone-ttl = 'PT30S': must be from the lease duration"
            + " (strata.cache.defaults.lease-duration = PT1M) to 1d",
        "strata.cache.defaults.lease-duration=1m");
  }

  @Test
  void anEarlyRefreshBetaOutOfRangeFailsStartup() {
    assertStartupFails(
        "strata.cache.caches.users.early-refresh-beta=11",
        "strata.cache.caches.users.early-refresh-beta = '11.0': must be from 0 (off) to 10");
  }

  @Test
  void aRedisOnlyOptionOnALocalCacheFailsStartup() {
    assertStartupFails(
        "strata.cache.caches.users.tombstone-ttl=5m",
        "strata.cache.caches.users.tombstone-ttl = 'PT5M': applies to redis and tiered caches"
            + " only, but strata.cache.caches.users.mode is local",
        "strata.cache.caches.users.mode=local");
  }

  @Test
  void redisOnlyOptionsAreIgnoredWhereNoModeAsksForLocal() {
    // auto mode without Redis resolves to local, and defaults serve local caches too
    runner
        .withPropertyValues(
            "strata.cache.defaults.lease-duration=30s",
            "strata.cache.caches.users.early-refresh-beta=1",
            "strata.cache.caches.users.load-timeout=5s",
            "strata.cache.caches.mine.mode=local")
        .run(
            context -> {
              assertThat(context).hasNotFailed();
              assertThat(strataCache(context, "users").get("k", key -> "v")).isEqualTo("v");
              assertThat(strataCache(context, "mine").get("k", key -> "v")).isEqualTo("v");
            });
  }

  private void assertStartupFails(String property, String message, String... more) {
    runner
        .withPropertyValues(property)
        .withPropertyValues(more)
        .run(
            context -> {
              assertThat(context).hasFailed();
              assertThat(context.getStartupFailure())
                  .rootCause()
                  .isInstanceOf(StrataConfigurationException.class)
                  .hasMessageContaining(message);
            });
  }

  @SuppressWarnings("unchecked")
  private static Cache<String, Object> strataCache(
      AssertableApplicationContext context, String name) {
    org.springframework.cache.Cache cache = context.getBean(CacheManager.class).getCache(name);
    assertThat(cache).isNotNull();
    return (Cache<String, Object>) cache.getNativeCache();
  }

  private static char kind(byte[] stored) {
    return stored == null || stored.length < 2 ? '?' : (char) stored[1];
  }

  private static byte[] bytes(String key) {
    return key.getBytes(StandardCharsets.UTF_8);
  }
}
