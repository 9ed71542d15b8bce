package dev.strata.cache.strategy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.strata.cache.CacheLoader;
import dev.strata.cache.contract.InMemoryCache;
import dev.strata.cache.jdbc.TestDatabase;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class ReadThroughCacheTest {

  private final ExecutorService refresher = Executors.newSingleThreadExecutor();
  private final MutableClock clock = new MutableClock();

  @AfterEach
  void stop() {
    refresher.shutdownNow();
  }

  @ParameterizedTest
  @EnumSource(TestDatabase.class)
  void loadsMissesThroughItsLoaderSinglyAndInBulk(TestDatabase db) throws Exception {
    try (UserTable table = new UserTable(db)) {
      table.store.writeAll(Map.of(1L, "one", 2L, "two", 3L, "three"));
      InMemoryCache<Long, String> memory = new InMemoryCache<>("users");
      ReadThroughCache<Long, String> users = ReadThroughCache.builder(memory, table.store).build();

      assertThat(users.get(1L)).isEqualTo("one");
      assertThat(users.get(99L)).isNull();
      assertThat(users.getAll(List.of(1L, 2L, 3L, 4L)))
          .containsOnly(Map.entry(1L, "one"), Map.entry(2L, "two"), Map.entry(3L, "three"));

      assertThat(memory.getIfPresent(3L)).isEqualTo("three");
      assertThat(users.stats().loadSuccessCount()).isEqualTo(3);
      assertThat(users.refreshesAhead()).isFalse();
    }
  }

  @Test
  void bulkReadsLoadOnlyTheMissingKeysInOneCall() {
    AtomicReference<Set<Long>> asked = new AtomicReference<>();
    AtomicInteger bulkCalls = new AtomicInteger();
    CacheLoader<Long, String> loader =
        new CacheLoader<>() {
          @Override
          public String load(Long key) {
            return "single-" + key;
          }

          @Override
          public Map<Long, String> loadAll(Set<? extends Long> keys) {
            bulkCalls.incrementAndGet();
            asked.set(new java.util.HashSet<>(keys));
            return Map.of(2L, "bulk-2", 3L, "bulk-3");
          }
        };
    ReadThroughCache<Long, String> cache =
        ReadThroughCache.builder(new InMemoryCache<Long, String>("c"), loader).build();
    cache.put(1L, "cached");

    assertThat(cache.getAll(List.of(1L, 2L, 3L)))
        .containsOnly(Map.entry(1L, "cached"), Map.entry(2L, "bulk-2"), Map.entry(3L, "bulk-3"));
    assertThat(bulkCalls).hasValue(1);
    assertThat(asked.get()).containsExactlyInAnyOrder(2L, 3L);
  }

  @Test
  void refreshAheadServesTheOldValueWhileOneReloadRuns() throws Exception {
    AtomicInteger loads = new AtomicInteger();
    CountDownLatch reloadStarted = new CountDownLatch(1);
    CountDownLatch finishReload = new CountDownLatch(1);
    CacheLoader<String, String> loader =
        key -> {
          if (loads.incrementAndGet() == 1) {
            return "v1";
          }
          reloadStarted.countDown();
          assertThat(finishReload.await(30, TimeUnit.SECONDS)).isTrue();
          return "v2";
        };
    ReadThroughCache<String, String> cache =
        ReadThroughCache.builder(new InMemoryCache<String, String>("refreshing"), loader)
            .refreshAfter(Duration.ofMinutes(1))
            .ttl(Duration.ofMinutes(5))
            .refreshExecutor(refresher)
            .clock(clock)
            .build();
    assertThat(cache.get("k")).isEqualTo("v1");
    assertThat(cache.get("k")).as("young entries are not reloaded").isEqualTo("v1");
    assertThat(loads).hasValue(1);

    clock.advance(Duration.ofSeconds(61));
    for (int i = 0; i < 20; i++) {
      assertThat(cache.get("k")).as("the old value is served during the reload").isEqualTo("v1");
    }
    assertThat(reloadStarted.await(30, TimeUnit.SECONDS)).isTrue();
    for (int i = 0; i < 20; i++) {
      assertThat(cache.get("k")).isEqualTo("v1");
    }
    assertThat(loads).as("one reload, however many reads").hasValue(2);

    finishReload.countDown();
    await().atMost(Duration.ofSeconds(10)).until(() -> "v2".equals(cache.get("k")));
    assertThat(loads).hasValue(2);
  }

  @Test
  void aFailedReloadKeepsTheOldValueAndALaterReadTriesAgain() {
    AtomicInteger loads = new AtomicInteger();
    CacheLoader<String, String> loader =
        key -> {
          int n = loads.incrementAndGet();
          if (n == 2) {
            throw new IllegalStateException("database hiccup");
          }
          return "v" + n;
        };
    ReadThroughCache<String, String> cache =
        ReadThroughCache.builder(new InMemoryCache<String, String>("retrying"), loader)
            .refreshAfter(Duration.ofMinutes(1))
            .ttl(Duration.ofMinutes(5))
            .refreshExecutor(refresher)
            .clock(clock)
            .build();
    assertThat(cache.get("k")).isEqualTo("v1");
    clock.advance(Duration.ofMinutes(2));

    assertThat(cache.get("k")).isEqualTo("v1");
    await().atMost(Duration.ofSeconds(10)).until(() -> loads.get() == 2);
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(() -> assertThat(cache.get("k")).isIn("v1", "v3"));
    await().atMost(Duration.ofSeconds(10)).until(() -> "v3".equals(cache.get("k")));
  }

  @Test
  void aReloadThatFindsNothingRemovesTheEntry() {
    AtomicInteger loads = new AtomicInteger();
    ReadThroughCache<String, String> cache =
        ReadThroughCache.builder(
                new InMemoryCache<String, String>("vanishing"),
                key -> loads.incrementAndGet() == 1 ? "v1" : null)
            .refreshAfter(Duration.ofMinutes(1))
            .ttl(Duration.ofMinutes(5))
            .refreshExecutor(refresher)
            .clock(clock)
            .build();
    assertThat(cache.get("k")).isEqualTo("v1");
    clock.advance(Duration.ofMinutes(2));

    assertThat(cache.get("k")).isEqualTo("v1");
    await().atMost(Duration.ofSeconds(10)).until(() -> cache.getIfPresent("k") == null);
  }

  @Test
  void aRejectedReloadIsForgottenSoALaterReadTriesAgain() {
    AtomicInteger loads = new AtomicInteger();
    ExecutorService stopped = Executors.newSingleThreadExecutor();
    stopped.shutdown();
    ReadThroughCache<String, String> cache =
        ReadThroughCache.builder(
                new InMemoryCache<String, String>("rejecting"),
                key -> "v" + loads.incrementAndGet())
            .refreshAfter(Duration.ofMinutes(1))
            .ttl(Duration.ofMinutes(5))
            .refreshExecutor(stopped)
            .clock(clock)
            .build();
    assertThat(cache.get("k")).isEqualTo("v1");
    clock.advance(Duration.ofMinutes(2));

    assertThat(cache.get("k")).isEqualTo("v1");
    assertThat(cache.get("k")).isEqualTo("v1");
    assertThat(loads).hasValue(1);
    assertThatThrownBy(() -> stopped.execute(() -> {}))
        .isInstanceOf(RejectedExecutionException.class);
  }

  @Test
  void builderRejectsBadRefreshSettingsNamingThem() {
    InMemoryCache<String, String> memory = new InMemoryCache<>("c");
    CacheLoader<String, String> loader = key -> "v";

    assertThatThrownBy(
            () ->
                ReadThroughCache.builder(memory, loader)
                    .refreshAfter(Duration.ofMinutes(1))
                    .refreshExecutor(refresher)
                    .build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("ttl must be set when refreshAfter is (refreshAfter PT1M)");
    assertThatThrownBy(
            () ->
                ReadThroughCache.builder(memory, loader)
                    .refreshAfter(Duration.ofMinutes(5))
                    .ttl(Duration.ofMinutes(5))
                    .refreshExecutor(refresher)
                    .build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("refreshAfter must be shorter than ttl (PT5M) but was PT5M");
    assertThatThrownBy(
            () ->
                ReadThroughCache.builder(memory, loader)
                    .refreshAfter(Duration.ofMinutes(1))
                    .ttl(Duration.ofMinutes(5))
                    .build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("refreshExecutor must be set when refreshAfter is (refreshAfter PT1M)");
    assertThatThrownBy(
            () ->
                ReadThroughCache.builder(memory, loader)
                    .refreshAfter(Duration.ofSeconds(-1))
                    .ttl(Duration.ofMinutes(5))
                    .refreshExecutor(refresher)
                    .build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("refreshAfter must be positive but was PT-1S");
    assertThatThrownBy(
            () -> ReadThroughCache.builder(memory, loader).ttl(Duration.ofSeconds(-1)).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("ttl must be positive but was PT-1S");
    assertThatThrownBy(() -> ReadThroughCache.builder(memory, null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("loader must not be null");
  }
}
