package dev.strata.boot.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.strata.boot.redis.StrataRedisAutoConfiguration;
import dev.strata.testsupport.RedisServer;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.cache.Cache;
import org.springframework.cache.CacheManager;

/** The Spring {@link Cache} contract on each cache mode, against a real Redis. */
class StrataSpringCacheTest {

  private static RedisServer redis;

  record User(long id, String name, List<String> roles) {}

  @BeforeAll
  static void startRedis() {
    redis = RedisServer.start();
  }

  @AfterAll
  static void stopRedis() {
    redis.close();
  }

  private ApplicationContextRunner runner(String mode) {
    return new ApplicationContextRunner()
        .withConfiguration(
            AutoConfigurations.of(
                StrataRedisAutoConfiguration.class, StrataCacheAutoConfiguration.class))
        .withPropertyValues(
            "strata.redis.url=" + redis.uri(),
            "strata.redis.timeout=5s", // generous: the machine may be loaded
            "strata.cache.defaults.mode=" + mode,
            "strata.cache.transaction-aware=false",
            "strata.cache.key-prefix=test-" + mode + System.nanoTime(),
            "strata.cache.trusted-packages=dev.strata.boot");
  }

  @ParameterizedTest
  @ValueSource(strings = {"local", "redis", "tiered"})
  void theSpringCacheContractHolds(String mode) {
    runner(mode)
        .run(
            context -> {
              Cache cache = context.getBean(CacheManager.class).getCache("users");
              User alice = new User(1, "alice", List.of("admin", "dev"));

              assertThat(cache.get(1L)).isNull();
              cache.put(1L, alice);
              assertThat(cache.get(1L).get()).isEqualTo(alice);
              assertThat(cache.get(1L, User.class)).isEqualTo(alice);
              assertThatThrownBy(() -> cache.get(1L, String.class))
                  .isInstanceOf(IllegalStateException.class);

              // putIfAbsent keeps the present value and stores an absent one
              assertThat(cache.putIfAbsent(1L, new User(1, "other", List.of())).get())
                  .isEqualTo(alice);
              assertThat(cache.putIfAbsent(2L, "two")).isNull();
              assertThat(cache.get(2L).get()).isEqualTo("two");

              // a cached null is a hit holding null
              cache.put(3L, null);
              assertThat(cache.get(3L)).isNotNull();
              assertThat(cache.get(3L).get()).isNull();

              // synchronized loads: the loader runs once, a null result is cached too
              AtomicInteger loads = new AtomicInteger();
              assertThat(cache.get(4L, () -> "v" + loads.incrementAndGet())).isEqualTo("v1");
              assertThat(cache.get(4L, () -> "v" + loads.incrementAndGet())).isEqualTo("v1");
              assertThat(
                      cache.<String>get(
                          5L,
                          () -> {
                            loads.incrementAndGet();
                            return null;
                          }))
                  .isNull();
              assertThat(cache.<String>get(5L, () -> "late")).isNull();
              assertThat(loads).hasValue(2);

              // a checked exception of the loader arrives as ValueRetrievalException
              assertThatThrownBy(
                      () ->
                          cache.get(
                              6L,
                              () -> {
                                throw new IOException("db down");
                              }))
                  .isInstanceOf(Cache.ValueRetrievalException.class)
                  .hasRootCauseInstanceOf(IOException.class);

              // CompletableFuture flavours
              CompletableFuture<?> hit = cache.retrieve(1L);
              assertThat(((Cache.ValueWrapper) hit.get(5, TimeUnit.SECONDS)).get())
                  .isEqualTo(alice);
              assertThat(cache.retrieve(99L).get(5, TimeUnit.SECONDS)).isNull();
              assertThat(
                      cache
                          .retrieve(7L, () -> CompletableFuture.completedFuture("async"))
                          .get(5, TimeUnit.SECONDS))
                  .isEqualTo("async");
              assertThat(cache.get(7L).get()).isEqualTo("async");

              // evictions
              assertThat(cache.evictIfPresent(1L)).isTrue();
              assertThat(cache.evictIfPresent(1L)).isFalse();
              assertThat(cache.get(1L)).isNull();
              cache.evict(2L);
              assertThat(cache.get(2L)).isNull();
              cache.clear();
              assertThat(cache.get(4L)).isNull();
              cache.put(8L, "x");
              cache.invalidate();
              assertThat(cache.get(8L)).isNull();
            });
  }

  @Test
  void keysWithoutToStringAreRefusedWithAClearMessage() {
    runner("local")
        .run(
            context -> {
              Cache cache = context.getBean(CacheManager.class).getCache("users");
              assertThatThrownBy(() -> cache.put(new Object(), "v"))
                  .isInstanceOf(IllegalArgumentException.class)
                  .hasMessageContaining("Cache 'users'")
                  .hasMessageContaining("toString()");
            });
  }

  @Test
  void nullsAreRefusedWhenNotAllowed() {
    runner("local")
        .withPropertyValues("strata.cache.allow-null-values=false")
        .run(
            context -> {
              Cache cache = context.getBean(CacheManager.class).getCache("users");
              assertThatThrownBy(() -> cache.put(1L, null))
                  .isInstanceOf(IllegalArgumentException.class)
                  .hasMessageContaining("allow-null-values");
              AtomicInteger loads = new AtomicInteger();
              cache.get(
                  2L,
                  () -> {
                    loads.incrementAndGet();
                    return null;
                  });
              cache.get(
                  2L,
                  () -> {
                    loads.incrementAndGet();
                    return null;
                  });
              assertThat(loads).hasValue(2);
            });
  }

  @Test
  void anEvictionOnOneInstanceDropsTheLocalCopyOnAnother() {
    String prefix = "test-shared" + System.nanoTime();
    ApplicationContextRunner shared =
        runner("tiered")
            .withPropertyValues(
                "strata.cache.key-prefix=" + prefix, "strata.cache.defaults.local-ttl=10m");
    shared.run(
        a ->
            shared.run(
                b -> {
                  Cache onA = a.getBean(CacheManager.class).getCache("users");
                  Cache onB = b.getBean(CacheManager.class).getCache("users");
                  onA.put("k", "v1");
                  assertThat(onB.get("k").get()).isEqualTo("v1"); // now in B's local tier too
                  onA.put("k", "v2");
                  org.awaitility.Awaitility.await()
                      .atMost(java.time.Duration.ofSeconds(10))
                      .untilAsserted(() -> assertThat(onB.get("k").get()).isEqualTo("v2"));
                  onA.evict("k");
                  org.awaitility.Awaitility.await()
                      .atMost(java.time.Duration.ofSeconds(10))
                      .untilAsserted(() -> assertThat(onB.get("k")).isNull());
                }));
  }

  @Test
  void untrustedTypesInRedisReadAsMisses() {
    runner("redis")
        .withPropertyValues("strata.cache.trusted-packages=")
        .run(
            context -> {
              Cache cache = context.getBean(CacheManager.class).getCache("users");
              cache.put(1L, new User(1, "alice", List.of()));
              assertThat(cache.get(1L)).isNull();
            });
  }
}
