package dev.strata.cache.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.strata.cache.CacheLoadException;
import dev.strata.cache.CacheLoader;
import dev.strata.cache.CacheStats;
import dev.strata.cache.TtlPolicy;
import java.io.IOException;
import java.time.Duration;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class LocalCacheTest {

  private final FakeTicker ticker = new FakeTicker();

  private LocalCache.Builder<String, String> builder() {
    return LocalCache.<String, String>builder().name("test").executor(Runnable::run).ticker(ticker);
  }

  @Test
  void loadsOnceThenHits() {
    LocalCache<String, String> cache = builder().build();
    AtomicInteger loads = new AtomicInteger();
    CacheLoader<String, String> loader = key -> key + "-" + loads.incrementAndGet();

    assertThat(cache.get("a", loader)).isEqualTo("a-1");
    assertThat(cache.get("a", loader)).isEqualTo("a-1");
    assertThat(cache.getIfPresent("a")).isEqualTo("a-1");
    assertThat(cache.getIfPresent("b")).isNull();

    CacheStats stats = cache.stats();
    assertThat(stats.hitCount()).isEqualTo(2);
    assertThat(stats.missCount()).isEqualTo(2);
    assertThat(stats.loadSuccessCount()).isEqualTo(1);
  }

  @Test
  void loaderNullIsAbsentAndNotStoredWithoutNegativeCaching() {
    LocalCache<String, String> cache = builder().build();
    AtomicInteger loads = new AtomicInteger();
    CacheLoader<String, String> nothing =
        key -> {
          loads.incrementAndGet();
          return null;
        };

    assertThat(cache.get("a", nothing)).isNull();
    assertThat(cache.get("a", nothing)).isNull();
    assertThat(loads).hasValue(2);
    assertThat(cache.estimatedSize()).hasValue(0);
    assertThat(cache.stats().loadSuccessCount()).isEqualTo(2);
    assertThat(cache.stats().loadFailureCount()).isZero();
  }

  @Test
  void negativeCachingRemembersAbsenceForTheNegativeTtl() {
    LocalCache<String, String> cache =
        builder()
            .ttl(
                TtlPolicy.builder()
                    .defaultTtl(Duration.ofMinutes(10))
                    .negativeTtl(Duration.ofSeconds(30))
                    .build())
            .build();
    AtomicInteger loads = new AtomicInteger();
    CacheLoader<String, String> nothing =
        key -> {
          loads.incrementAndGet();
          return null;
        };

    assertThat(cache.get("a", nothing)).isNull();
    assertThat(cache.get("a", nothing)).isNull();
    assertThat(cache.getIfPresent("a")).isNull();
    assertThat(loads).hasValue(1);
    assertThat(cache.stats().hitCount()).isEqualTo(2);
    assertThat(cache.getAll(List.of("a"), nothing)).isEmpty();
    assertThat(loads).hasValue(1);

    ticker.advance(Duration.ofSeconds(31));
    assertThat(cache.get("a", key -> "found")).isEqualTo("found");

    ticker.advance(Duration.ofMinutes(5));
    assertThat(cache.getIfPresent("a")).isEqualTo("found");
  }

  @Test
  void negativeEntriesFromBulkLoads() {
    LocalCache<String, String> cache =
        builder().ttl(TtlPolicy.builder().negativeTtl(Duration.ofSeconds(30)).build()).build();
    List<Set<String>> calls = new CopyOnWriteArrayList<>();
    CacheLoader<String, String> loader = bulkLoader(calls, Map.of("a", "A"));

    assertThat(cache.getAll(List.of("a", "b"), loader)).containsExactly(Map.entry("a", "A"));
    assertThat(cache.getAll(List.of("a", "b"), loader)).containsExactly(Map.entry("a", "A"));
    assertThat(calls).hasSize(1);
  }

  @Test
  void putReplacesAnAbsentMarker() {
    LocalCache<String, String> cache =
        builder().ttl(TtlPolicy.builder().negativeTtl(Duration.ofSeconds(30)).build()).build();
    assertThat(cache.get("a", key -> null)).isNull();
    cache.put("a", "A");
    assertThat(cache.getIfPresent("a")).isEqualTo("A");
  }

  @Test
  void defaultTtlExpiresEntries() {
    LocalCache<String, String> cache = builder().ttl(TtlPolicy.of(Duration.ofMinutes(1))).build();
    cache.put("a", "A");
    ticker.advance(Duration.ofSeconds(59));
    assertThat(cache.getIfPresent("a")).isEqualTo("A");
    ticker.advance(Duration.ofSeconds(2));
    assertThat(cache.getIfPresent("a")).isNull();
  }

  @Test
  void perEntryTtlOverridesTheDefault() {
    LocalCache<String, String> cache = builder().ttl(TtlPolicy.of(Duration.ofMinutes(10))).build();
    cache.put("short", "S", Duration.ofSeconds(5));
    cache.put("long", "L", Duration.ofHours(1));
    cache.put("default", "D");

    ticker.advance(Duration.ofSeconds(6));
    assertThat(cache.getIfPresent("short")).isNull();
    assertThat(cache.getIfPresent("default")).isEqualTo("D");

    ticker.advance(Duration.ofMinutes(10));
    assertThat(cache.getIfPresent("default")).isNull();
    assertThat(cache.getIfPresent("long")).isEqualTo("L");

    ticker.advance(Duration.ofHours(1));
    assertThat(cache.getIfPresent("long")).isNull();
  }

  @Test
  void aPutWithoutTtlAfterAPerEntryTtlGetsTheDefaultAgain() {
    LocalCache<String, String> cache = builder().ttl(TtlPolicy.of(Duration.ofMinutes(10))).build();
    cache.put("a", "A", Duration.ofSeconds(5));
    cache.put("a", "B");
    ticker.advance(Duration.ofMinutes(1));
    assertThat(cache.getIfPresent("a")).isEqualTo("B");
  }

  @Test
  void jitterSpreadsExpiryWithinTheLastShareOfTheTtl() {
    LocalCache<Integer, String> cache =
        LocalCache.<Integer, String>builder()
            .name("jitter")
            .executor(Runnable::run)
            .ticker(ticker)
            .ttl(TtlPolicy.builder().defaultTtl(Duration.ofSeconds(100)).jitter(0.5).build())
            .build();
    for (int i = 0; i < 200; i++) {
      cache.put(i, "v" + i);
    }
    ticker.advance(Duration.ofSeconds(49));
    assertThat(presentCount(cache, 200)).isEqualTo(200);
    ticker.advance(Duration.ofSeconds(26));
    int atSeventyFive = presentCount(cache, 200);
    assertThat(atSeventyFive).isBetween(1, 199);
    ticker.advance(Duration.ofSeconds(26));
    assertThat(presentCount(cache, 200)).isZero();
  }

  private static int presentCount(LocalCache<Integer, String> cache, int n) {
    int present = 0;
    for (int i = 0; i < n; i++) {
      if (cache.getIfPresent(i) != null) {
        present++;
      }
    }
    return present;
  }

  @Test
  void sizeEvictionNotifiesTheListenerWithTheCause() {
    List<String> evicted = new CopyOnWriteArrayList<>();
    LocalCache<String, String> cache =
        builder()
            .maximumSize(10)
            .evictionListener((key, value, cause) -> evicted.add(key + "=" + value + ":" + cause))
            .build();
    for (int i = 0; i < 50; i++) {
      cache.put("k" + i, "v" + i);
    }
    cache.cleanUp();
    assertThat(cache.estimatedSize()).hasValue(10);
    assertThat(evicted).hasSize(40).allMatch(e -> e.endsWith(":SIZE"));
    assertThat(cache.stats().evictionCount()).isEqualTo(40);
  }

  @Test
  void expiryNotifiesTheListener() {
    List<String> evicted = new CopyOnWriteArrayList<>();
    LocalCache<String, String> cache =
        builder()
            .ttl(TtlPolicy.of(Duration.ofSeconds(10)))
            .evictionListener((key, value, cause) -> evicted.add(key + ":" + cause))
            .build();
    cache.put("a", "A");
    ticker.advance(Duration.ofSeconds(11));
    cache.cleanUp();
    assertThat(evicted).containsExactly("a:EXPIRED");
    assertThat(cache.stats().evictionCount()).isEqualTo(1);
  }

  @Test
  void explicitInvalidationIsNotAnEviction() {
    List<String> evicted = new CopyOnWriteArrayList<>();
    LocalCache<String, String> cache =
        builder().evictionListener((key, value, cause) -> evicted.add(key)).build();
    cache.put("a", "A");
    cache.put("a", "B");
    cache.invalidate("a");
    cache.cleanUp();
    assertThat(evicted).isEmpty();
    assertThat(cache.stats().evictionCount()).isZero();
  }

  @Test
  void weightBoundEvictsByTotalWeight() {
    List<String> evicted = new CopyOnWriteArrayList<>();
    LocalCache<String, String> cache =
        builder()
            .maximumWeight(100, (key, value) -> value.length())
            .evictionListener((key, value, cause) -> evicted.add(key))
            .build();
    for (int i = 0; i < 20; i++) {
      cache.put("k" + i, "x".repeat(10));
    }
    cache.cleanUp();
    assertThat(cache.estimatedSize()).hasValue(10);
    assertThat(evicted).hasSize(10);
    cache.put("big", "y".repeat(101));
    cache.cleanUp();
    assertThat(cache.getIfPresent("big")).isNull();
  }

  @Test
  void refreshAheadServesTheOldValueWhileOneReloadRuns() throws Exception {
    AtomicInteger version = new AtomicInteger();
    CountDownLatch reloadMayFinish = new CountDownLatch(1);
    AtomicInteger reloads = new AtomicInteger();
    CacheLoader<String, String> reloader =
        key -> {
          reloads.incrementAndGet();
          reloadMayFinish.await(10, TimeUnit.SECONDS);
          return key + "-v" + version.incrementAndGet();
        };
    java.util.concurrent.ExecutorService executor =
        java.util.concurrent.Executors.newSingleThreadExecutor();
    try {
      LocalCache<String, String> cache =
          LocalCache.<String, String>builder()
              .name("refresh")
              .ticker(ticker)
              .executor(executor)
              .ttl(TtlPolicy.of(Duration.ofMinutes(10)))
              .refreshAfterWrite(Duration.ofMinutes(1), reloader)
              .build();
      cache.put("a", "a-v0");
      ticker.advance(Duration.ofMinutes(2));

      assertThat(cache.getIfPresent("a")).isEqualTo("a-v0");
      assertThat(cache.getIfPresent("a")).isEqualTo("a-v0");
      reloadMayFinish.countDown();
      org.awaitility.Awaitility.await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> "a-v1".equals(cache.getIfPresent("a")));
      assertThat(reloads).hasValue(1);
      assertThat(cache.stats().loadSuccessCount()).isEqualTo(1);
    } finally {
      executor.shutdownNow();
    }
  }

  @Test
  void aFailedRefreshKeepsTheOldValue() {
    LocalCache<String, String> cache =
        builder()
            .ttl(TtlPolicy.of(Duration.ofMinutes(10)))
            .refreshAfterWrite(
                Duration.ofMinutes(1),
                key -> {
                  throw new IOException("database down");
                })
            .build();
    cache.put("a", "old");
    ticker.advance(Duration.ofMinutes(2));
    assertThat(cache.getIfPresent("a")).isEqualTo("old");
    assertThat(cache.getIfPresent("a")).isEqualTo("old");
    assertThat(cache.stats().loadFailureCount()).isGreaterThanOrEqualTo(1);
  }

  @Test
  void checkedLoaderFailureIsWrappedAndNotCached() {
    LocalCache<String, String> cache = builder().build();
    IOException failure = new IOException("database down");
    assertThatThrownBy(
            () ->
                cache.get(
                    "a",
                    key -> {
                      throw failure;
                    }))
        .isInstanceOf(CacheLoadException.class)
        .hasCause(failure)
        .hasMessageContaining("test");
    assertThat(cache.get("a", key -> "A")).isEqualTo("A");
    assertThat(cache.stats().loadFailureCount()).isEqualTo(1);
  }

  @Test
  void uncheckedLoaderFailureReachesTheCallerUnchanged() {
    LocalCache<String, String> cache = builder().build();
    IllegalStateException failure = new IllegalStateException("boom");
    assertThatThrownBy(
            () ->
                cache.get(
                    "a",
                    key -> {
                      throw failure;
                    }))
        .isSameAs(failure);
    assertThat(cache.getIfPresent("a")).isNull();
  }

  @Test
  void getAllLoadsOnlyMissingKeysInOneCallAndIgnoresExtras() {
    LocalCache<String, String> cache = builder().build();
    cache.put("a", "A");
    List<Set<String>> calls = new CopyOnWriteArrayList<>();
    CacheLoader<String, String> loader = bulkLoader(calls, Map.of("b", "B", "c", "C", "x", "X"));

    Map<String, String> result = cache.getAll(List.of("a", "b", "c", "d", "b"), loader);

    assertThat(result).containsOnly(Map.entry("a", "A"), Map.entry("b", "B"), Map.entry("c", "C"));
    assertThat(calls).hasSize(1);
    assertThat(calls.get(0)).containsExactlyInAnyOrder("b", "c", "d");
    assertThat(cache.getIfPresent("x")).isNull();
    assertThat(cache.getIfPresent("d")).isNull();
    assertThat(cache.getAllPresent(List.of("a", "b", "c", "d"))).containsOnlyKeys("a", "b", "c");
  }

  @Test
  void bulkLoadFailureReachesTheCallerAndCachesNothing() {
    LocalCache<String, String> cache = builder().build();
    CacheLoader<String, String> failing =
        new CacheLoader<>() {
          @Override
          public String load(String key) {
            throw new UnsupportedOperationException();
          }

          @Override
          public Map<String, String> loadAll(Set<? extends String> keys) throws Exception {
            throw new IOException("bulk down");
          }
        };
    assertThatThrownBy(() -> cache.getAll(List.of("a", "b"), failing))
        .isInstanceOf(CacheLoadException.class)
        .hasRootCauseMessage("bulk down");
    assertThat(cache.estimatedSize()).hasValue(0);
    assertThat(cache.stats().loadFailureCount()).isEqualTo(1);
  }

  @Test
  void singleFlightAcrossBlockingAndAsyncCallers() throws Exception {
    LocalCache<String, String> cache = builder().build();
    CountDownLatch loading = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    AtomicInteger loads = new AtomicInteger();
    CompletableFuture<String> blocking =
        CompletableFuture.supplyAsync(
            () ->
                cache.get(
                    "k",
                    key -> {
                      loads.incrementAndGet();
                      loading.countDown();
                      release.await(10, TimeUnit.SECONDS);
                      return "V";
                    }));
    assertThat(loading.await(10, TimeUnit.SECONDS)).isTrue();
    CompletableFuture<String> async =
        cache
            .async()
            .get(
                "k",
                key -> {
                  loads.incrementAndGet();
                  return CompletableFuture.completedFuture("other");
                })
            .toCompletableFuture();
    assertThat(async).isNotDone();
    release.countDown();
    assertThat(blocking.get(10, TimeUnit.SECONDS)).isEqualTo("V");
    assertThat(async.get(10, TimeUnit.SECONDS)).isEqualTo("V");
    assertThat(loads).hasValue(1);
  }

  @Test
  void invalidatingDuringALoadDropsItsResult() throws Exception {
    LocalCache<String, String> cache = builder().build();
    CountDownLatch loading = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    CompletableFuture<String> caller =
        CompletableFuture.supplyAsync(
            () ->
                cache.get(
                    "k",
                    key -> {
                      loading.countDown();
                      release.await(10, TimeUnit.SECONDS);
                      return "stale";
                    }));
    assertThat(loading.await(10, TimeUnit.SECONDS)).isTrue();
    cache.invalidate("k");
    release.countDown();
    assertThat(caller.get(10, TimeUnit.SECONDS)).isEqualTo("stale");
    assertThat(cache.getIfPresent("k")).isNull();
  }

  @Test
  void aPutDuringALoadWinsOverTheLoadedValue() throws Exception {
    LocalCache<String, String> cache = builder().build();
    CountDownLatch loading = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    CompletableFuture<String> caller =
        CompletableFuture.supplyAsync(
            () ->
                cache.get(
                    "k",
                    key -> {
                      loading.countDown();
                      release.await(10, TimeUnit.SECONDS);
                      return "read-before-the-write";
                    }));
    assertThat(loading.await(10, TimeUnit.SECONDS)).isTrue();
    cache.put("k", "written");
    release.countDown();
    assertThat(caller.get(10, TimeUnit.SECONDS)).isEqualTo("read-before-the-write");
    assertThat(cache.getIfPresent("k")).isEqualTo("written");
  }

  @Test
  void aBulkLoadJoinsASingleLoadInFlightInsteadOfLoadingItAgain() throws Exception {
    LocalCache<String, String> cache = builder().build();
    CountDownLatch loading = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    CompletableFuture<String> single =
        CompletableFuture.supplyAsync(
            () ->
                cache.get(
                    "a",
                    key -> {
                      loading.countDown();
                      release.await(10, TimeUnit.SECONDS);
                      return "A-single";
                    }));
    assertThat(loading.await(10, TimeUnit.SECONDS)).isTrue();
    List<Set<String>> calls = new CopyOnWriteArrayList<>();
    CompletableFuture<Map<String, String>> bulk =
        CompletableFuture.supplyAsync(
            () ->
                cache.getAll(
                    List.of("a", "b"), bulkLoader(calls, Map.of("a", "A-bulk", "b", "B"))));
    org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> !calls.isEmpty());
    assertThat(calls.get(0)).containsExactly("b");
    release.countDown();
    assertThat(bulk.get(10, TimeUnit.SECONDS))
        .containsOnly(Map.entry("a", "A-single"), Map.entry("b", "B"));
    assertThat(single.get(10, TimeUnit.SECONDS)).isEqualTo("A-single");
  }

  @Test
  void asyncViewLoadsAndReportsFailuresUnwrapped() throws Exception {
    LocalCache<String, String> cache = builder().build();
    assertThat(
            cache
                .async()
                .get("a", key -> CompletableFuture.completedFuture("A"))
                .toCompletableFuture()
                .get())
        .isEqualTo("A");
    assertThat(cache.getIfPresent("a")).isEqualTo("A");

    IOException failure = new IOException("down");
    CompletableFuture<String> failed =
        cache
            .async()
            .get("b", key -> CompletableFuture.failedFuture(failure))
            .toCompletableFuture();
    assertThatThrownBy(failed::get).isInstanceOf(ExecutionException.class).hasCause(failure);
    assertThat(cache.getIfPresent("b")).isNull();

    Map<String, String> bulk =
        cache
            .async()
            .getAll(
                List.of("a", "c"),
                keys -> {
                  Map<String, String> found = new HashMap<>();
                  keys.forEach(k -> found.put(k, k.toUpperCase()));
                  return CompletableFuture.completedFuture(found);
                })
            .toCompletableFuture()
            .get();
    assertThat(bulk).containsOnly(Map.entry("a", "A"), Map.entry("c", "C"));
    assertThat(cache.async().synchronous()).isSameAs(cache);
    assertThat(cache.async()).isSameAs(cache.async());
  }

  @Test
  void rejectsNullsWithMessagesNamingTheArgument() {
    LocalCache<String, String> cache = builder().build();
    assertThatThrownBy(() -> cache.getIfPresent(null)).hasMessage("key must not be null");
    assertThatThrownBy(() -> cache.get("a", null)).hasMessage("loader must not be null");
    assertThatThrownBy(() -> cache.put("a", null)).hasMessage("value must not be null");
    assertThatThrownBy(() -> cache.put("a", "A", Duration.ofSeconds(-1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("ttl must be positive");
    assertThatThrownBy(() -> cache.getAll(Collections.singletonList(null), key -> "x"))
        .hasMessage("keys must not contain null");
    Map<String, String> withNull = new HashMap<>();
    withNull.put("a", null);
    assertThatThrownBy(() -> cache.putAll(withNull)).hasMessageContaining("null value");
    assertThat(cache.estimatedSize()).hasValue(0);
  }

  @Test
  void builderValidatesWithMessagesNamingTheField() {
    assertThatThrownBy(() -> LocalCache.builder().build()).hasMessage("name must be set");
    assertThatThrownBy(() -> LocalCache.builder().name(" ").build())
        .hasMessage("name must not be blank but was ' '");
    assertThatThrownBy(() -> LocalCache.builder().name("x").maximumSize(-1).build())
        .hasMessage("maximumSize must not be negative but was -1");
    assertThatThrownBy(() -> LocalCache.builder().name("x").maximumWeight(-5, (k, v) -> 1).build())
        .hasMessage("maximumWeight must not be negative but was -5");
    assertThatThrownBy(
            () ->
                LocalCache.builder().name("x").maximumSize(1).maximumWeight(1, (k, v) -> 1).build())
        .hasMessageContaining("cannot both be set");
    assertThatThrownBy(
            () ->
                LocalCache.builder()
                    .name("x")
                    .refreshAfterWrite(Duration.ZERO, key -> null)
                    .build())
        .hasMessage("refreshAfterWrite must be positive but was PT0S");
  }

  @Test
  void statsCanBeTurnedOff() {
    LocalCache<String, String> cache = builder().recordStats(false).build();
    cache.get("a", key -> "A");
    cache.getIfPresent("a");
    assertThat(cache.stats()).isEqualTo(CacheStats.empty());
  }

  private static CacheLoader<String, String> bulkLoader(
      List<Set<String>> calls, Map<String, String> data) {
    return new CacheLoader<>() {
      @Override
      public String load(String key) {
        return data.get(key);
      }

      @Override
      public Map<String, String> loadAll(Set<? extends String> keys) {
        calls.add(Set.copyOf(keys));
        return data;
      }
    };
  }
}
