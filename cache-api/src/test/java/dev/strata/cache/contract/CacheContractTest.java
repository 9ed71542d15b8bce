package dev.strata.cache.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.strata.cache.AsyncCache;
import dev.strata.cache.Cache;
import dev.strata.cache.CacheLoadException;
import dev.strata.cache.CacheLoader;
import dev.strata.cache.CacheStats;
import dev.strata.cache.TtlPolicy;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

/**
 * The behaviour every {@link Cache} implementation must show, as a reusable JUnit test class.
 *
 * <p>An implementation's test extends this class and implements {@link #newCache(String,
 * TtlPolicy)}; every test here then runs against it. Caches are of {@code String} keys and values
 * so that shared caches only need their string codecs. Each test asks for caches with names unique
 * to the test, so a shared store needs no flushing between tests; caches that are {@link
 * AutoCloseable} are closed after each test.
 *
 * <p>Expiry tests use short TTLs (see {@link #shortTtl()}) and wait with Awaitility, never with
 * sleeps.
 *
 * <pre>{@code
 * class MyCacheContractTest extends CacheContractTest {
 *   @Override
 *   protected Cache<String, String> newCache(String name, TtlPolicy ttl) {
 *     return MyCache.builder().name(name).ttl(ttl).build();
 *   }
 * }
 * }</pre>
 */
public abstract class CacheContractTest {

  /** Number of threads that race for one key in the single-flight tests. */
  protected static final int RACERS = 32;

  private final List<Cache<String, String>> created = new ArrayList<>();
  private final AtomicInteger sequence = new AtomicInteger();
  private String testName = "test";

  /**
   * Creates a new, empty cache.
   *
   * @param name the cache's name; unique to the calling test, letters, digits and dashes only
   * @param ttl the TTL policy the cache must follow
   * @return the cache
   */
  protected abstract Cache<String, String> newCache(String name, TtlPolicy ttl);

  /**
   * Returns the short TTL the expiry tests use. Override it for a store whose expiry is coarser.
   *
   * @return a TTL long enough for a put followed by a read to see the entry
   */
  protected Duration shortTtl() {
    return Duration.ofMillis(300);
  }

  /**
   * Returns how long the tests wait at most for something that must happen (an entry expiring).
   *
   * @return the longest wait
   */
  protected Duration patience() {
    return Duration.ofSeconds(10);
  }

  @BeforeEach
  void rememberTestName(TestInfo info) {
    testName = info.getTestMethod().map(m -> m.getName()).orElse("test");
  }

  @AfterEach
  void closeCaches() throws Exception {
    for (Cache<String, String> cache : created) {
      if (cache instanceof AutoCloseable closeable) {
        closeable.close();
      }
    }
    created.clear();
  }

  /**
   * Returns a new cache named after the running test.
   *
   * @param ttl the TTL policy
   * @return a new, empty cache
   */
  protected final Cache<String, String> cache(TtlPolicy ttl) {
    String name = "contract-" + testName + "-" + sequence.incrementAndGet();
    Cache<String, String> cache = newCache(name, ttl);
    created.add(cache);
    return cache;
  }

  /** Returns a new cache whose entries do not expire. */
  protected final Cache<String, String> cache() {
    return cache(TtlPolicy.eternal());
  }

  private TtlPolicy negativeCaching(Duration negativeTtl) {
    return TtlPolicy.builder().negativeTtl(negativeTtl).build();
  }

  // ---------------------------------------------------------------- basic operations

  @Test
  void nameIsTheNameGivenAtCreation() {
    String name = "contract-named-" + sequence.incrementAndGet();
    Cache<String, String> cache = newCache(name, TtlPolicy.eternal());
    created.add(cache);

    assertThat(cache.name()).isEqualTo(name);
  }

  @Test
  void getIfPresentOfUnknownKeyIsNull() {
    assertThat(cache().getIfPresent("nobody")).isNull();
  }

  @Test
  void putThenGetIfPresentReturnsTheValue() {
    Cache<String, String> cache = cache();

    cache.put("k", "v");

    assertThat(cache.getIfPresent("k")).isEqualTo("v");
  }

  @Test
  void putReplacesThePreviousValue() {
    Cache<String, String> cache = cache();
    cache.put("k", "v1");

    cache.put("k", "v2");

    assertThat(cache.getIfPresent("k")).isEqualTo("v2");
  }

  @Test
  void invalidateRemovesOnlyThatKey() {
    Cache<String, String> cache = cache();
    cache.put("a", "1");
    cache.put("b", "2");

    cache.invalidate("a");

    assertThat(cache.getIfPresent("a")).isNull();
    assertThat(cache.getIfPresent("b")).isEqualTo("2");
  }

  @Test
  void invalidateOfUnknownKeyDoesNothing() {
    Cache<String, String> cache = cache();
    cache.put("a", "1");

    cache.invalidate("unknown");

    assertThat(cache.getIfPresent("a")).isEqualTo("1");
  }

  @Test
  void invalidateAllOfKeysRemovesOnlyThoseKeys() {
    Cache<String, String> cache = cache();
    cache.putAll(Map.of("a", "1", "b", "2", "c", "3"));

    cache.invalidateAll(List.of("a", "c", "unknown"));

    assertThat(cache.getAllPresent(List.of("a", "b", "c"))).containsExactly(Map.entry("b", "2"));
  }

  @Test
  void invalidateAllRemovesEveryEntry() {
    Cache<String, String> cache = cache();
    cache.putAll(Map.of("a", "1", "b", "2", "c", "3"));

    cache.invalidateAll();

    assertThat(cache.getAllPresent(List.of("a", "b", "c"))).isEmpty();
  }

  @Test
  void invalidateAllLeavesOtherCachesAlone() {
    Cache<String, String> one = cache();
    Cache<String, String> other = cache();
    one.put("k", "1");
    other.put("k", "2");

    one.invalidateAll();

    assertThat(one.getIfPresent("k")).isNull();
    assertThat(other.getIfPresent("k")).isEqualTo("2");
  }

  @Test
  void putAllThenGetAllPresentReturnsOnlyPresentKeys() {
    Cache<String, String> cache = cache();

    cache.putAll(Map.of("a", "1", "b", "2"));

    assertThat(cache.getAllPresent(List.of("a", "b", "x", "a")))
        .containsOnly(Map.entry("a", "1"), Map.entry("b", "2"));
  }

  @Test
  void getAllPresentOfNoKeysIsEmpty() {
    assertThat(cache().getAllPresent(List.of())).isEmpty();
  }

  // ---------------------------------------------------------------- get-or-load

  @Test
  void getLoadsOnMissAndCachesTheValue() {
    Cache<String, String> cache = cache();
    AtomicInteger loads = new AtomicInteger();
    CacheLoader<String, String> loader =
        key -> {
          loads.incrementAndGet();
          return "value-of-" + key;
        };

    assertThat(cache.get("k", loader)).isEqualTo("value-of-k");
    assertThat(cache.get("k", loader)).isEqualTo("value-of-k");

    assertThat(loads).hasValue(1);
    assertThat(cache.getIfPresent("k")).isEqualTo("value-of-k");
  }

  @Test
  void getReturnsCachedValueWithoutCallingTheLoader() {
    Cache<String, String> cache = cache();
    cache.put("k", "cached");

    String value =
        cache.get(
            "k",
            key -> {
              throw new AssertionError("the loader must not be called on a hit");
            });

    assertThat(value).isEqualTo("cached");
  }

  @Test
  void loaderReturningNullMeansAbsentAndIsNotStored() {
    Cache<String, String> cache = cache();
    AtomicInteger loads = new AtomicInteger();
    CacheLoader<String, String> nothing =
        key -> {
          loads.incrementAndGet();
          return null;
        };

    assertThat(cache.get("k", nothing)).isNull();
    assertThat(cache.getIfPresent("k")).isNull();
    assertThat(cache.get("k", nothing)).isNull();

    assertThat(loads).as("without negative caching every miss loads again").hasValue(2);
    assertThat(cache.get("k", key -> "now-there")).isEqualTo("now-there");
  }

  @Test
  void negativeCachingRemembersAbsentForTheNegativeTtl() {
    Cache<String, String> cache = cache(negativeCaching(shortTtl()));
    AtomicInteger loads = new AtomicInteger();
    CacheLoader<String, String> nothing =
        key -> {
          loads.incrementAndGet();
          return null;
        };

    assertThat(cache.get("k", nothing)).isNull();
    assertThat(cache.get("k", nothing)).isNull();
    assertThat(cache.getIfPresent("k")).isNull();
    assertThat(loads).as("the absent answer is cached").hasValue(1);

    await()
        .atMost(patience())
        .pollInterval(Duration.ofMillis(20))
        .untilAsserted(
            () -> {
              cache.get("k", nothing);
              assertThat(loads).as("after the negative TTL the key loads again").hasValue(2);
            });
  }

  @Test
  void putReplacesANegativeEntry() {
    Cache<String, String> cache = cache(negativeCaching(Duration.ofMinutes(5)));
    assertThat(cache.get("k", key -> null)).isNull();

    cache.put("k", "v");

    assertThat(cache.getIfPresent("k")).isEqualTo("v");
    assertThat(cache.get("k", key -> "other")).isEqualTo("v");
  }

  @Test
  void invalidateRemovesANegativeEntry() {
    Cache<String, String> cache = cache(negativeCaching(Duration.ofMinutes(5)));
    assertThat(cache.get("k", key -> null)).isNull();

    cache.invalidate("k");

    assertThat(cache.get("k", key -> "found")).isEqualTo("found");
  }

  @Test
  void uncheckedLoaderExceptionReachesTheCallerUnchangedAndNothingIsCached() {
    Cache<String, String> cache = cache(negativeCaching(Duration.ofMinutes(5)));
    IllegalStateException failure = new IllegalStateException("database down");

    assertThatThrownBy(
            () ->
                cache.get(
                    "k",
                    key -> {
                      throw failure;
                    }))
        .isSameAs(failure);

    assertThat(cache.getIfPresent("k")).isNull();
    assertThat(cache.get("k", key -> "recovered"))
        .as("a failed load is not remembered: the next call loads again")
        .isEqualTo("recovered");
  }

  @Test
  void checkedLoaderExceptionIsWrappedInCacheLoadException() {
    Cache<String, String> cache = cache();
    IOException failure = new IOException("connection reset");

    assertThatThrownBy(
            () ->
                cache.get(
                    "k",
                    key -> {
                      throw failure;
                    }))
        .isInstanceOf(CacheLoadException.class)
        .hasCause(failure);

    assertThat(cache.getIfPresent("k")).isNull();
  }

  @Test
  void concurrentMissesOnOneKeyCauseExactlyOneLoad() throws Exception {
    Cache<String, String> cache = cache();
    AtomicInteger loads = new AtomicInteger();
    CountDownLatch loading = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    CacheLoader<String, String> slowLoader =
        key -> {
          loads.incrementAndGet();
          loading.countDown();
          assertThat(release.await(30, TimeUnit.SECONDS)).isTrue();
          return "loaded";
        };

    Racers<String> racers = Racers.start(RACERS, () -> cache.get("hot", slowLoader));
    assertThat(loading.await(30, TimeUnit.SECONDS)).isTrue();
    racers.awaitAllWaiting(patience());
    release.countDown();

    assertThat(racers.results()).hasSize(RACERS).containsOnly("loaded");
    assertThat(racers.failures()).isEmpty();
    assertThat(loads).hasValue(1);
    assertThat(cache.getIfPresent("hot")).isEqualTo("loaded");
  }

  @Test
  void concurrentMissesShareTheLoadersExceptionAndNothingIsCached() throws Exception {
    Cache<String, String> cache = cache();
    AtomicInteger loads = new AtomicInteger();
    CountDownLatch loading = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    IllegalStateException failure = new IllegalStateException("shared failure");
    CacheLoader<String, String> failingLoader =
        key -> {
          loads.incrementAndGet();
          loading.countDown();
          assertThat(release.await(30, TimeUnit.SECONDS)).isTrue();
          throw failure;
        };

    Racers<String> racers = Racers.start(RACERS, () -> cache.get("hot", failingLoader));
    assertThat(loading.await(30, TimeUnit.SECONDS)).isTrue();
    racers.awaitAllWaiting(patience());
    release.countDown();

    assertThat(racers.results()).isEmpty();
    assertThat(racers.failures()).hasSize(RACERS).allSatisfy(e -> assertThat(e).isSameAs(failure));
    assertThat(loads).hasValue(1);
    assertThat(cache.getIfPresent("hot")).isNull();
    assertThat(cache.get("hot", key -> "second try")).isEqualTo("second try");
  }

  @Test
  void loadsOfDifferentKeysDoNotWaitForEachOther() throws Exception {
    Cache<String, String> cache = cache();
    CountDownLatch aLoading = new CountDownLatch(1);
    CountDownLatch bLoaded = new CountDownLatch(1);

    CompletableFuture<String> a =
        CompletableFuture.supplyAsync(
            () ->
                cache.get(
                    "a",
                    key -> {
                      aLoading.countDown();
                      assertThat(bLoaded.await(30, TimeUnit.SECONDS))
                          .as("a load of b completed while a was loading")
                          .isTrue();
                      return "A";
                    }));
    assertThat(aLoading.await(30, TimeUnit.SECONDS)).isTrue();
    String b =
        cache.get(
            "b",
            key -> {
              bLoaded.countDown();
              return "B";
            });

    assertThat(b).isEqualTo("B");
    assertThat(a.get(30, TimeUnit.SECONDS)).isEqualTo("A");
  }

  // ---------------------------------------------------------------- bulk get and load

  @Test
  void getAllLoadsOnlyTheMissingKeysInOneCall() {
    Cache<String, String> cache = cache();
    cache.putAll(Map.of("a", "A", "b", "B"));
    RecordingBulkLoader loader = new RecordingBulkLoader(key -> key.toUpperCase());

    Map<String, String> values = cache.getAll(List.of("a", "b", "c", "d", "c"), loader);

    assertThat(values)
        .containsOnly(
            Map.entry("a", "A"), Map.entry("b", "B"), Map.entry("c", "C"), Map.entry("d", "D"));
    assertThat(loader.calls).containsExactly(Set.of("c", "d"));
    assertThat(loader.singleLoads).hasValue(0);
    assertThat(cache.getAllPresent(List.of("c", "d")))
        .as("loaded values are cached")
        .containsOnly(Map.entry("c", "C"), Map.entry("d", "D"));
  }

  @Test
  void getAllWithEveryKeyPresentDoesNotCallTheLoader() {
    Cache<String, String> cache = cache();
    cache.putAll(Map.of("a", "A", "b", "B"));
    RecordingBulkLoader loader = new RecordingBulkLoader(key -> key.toUpperCase());

    assertThat(cache.getAll(List.of("a", "b"), loader))
        .containsOnly(Map.entry("a", "A"), Map.entry("b", "B"));
    assertThat(loader.calls).isEmpty();
  }

  @Test
  void getAllLeavesOutKeysTheLoaderDidNotReturnAndIgnoresKeysNotAskedFor() {
    Cache<String, String> cache = cache();
    CacheLoader<String, String> loader =
        new CacheLoader<>() {
          @Override
          public String load(String key) {
            throw new AssertionError("getAll must use loadAll");
          }

          @Override
          public Map<String, String> loadAll(Set<? extends String> keys) {
            return Map.of("a", "A", "stranger", "S");
          }
        };

    Map<String, String> values = cache.getAll(List.of("a", "missing"), loader);

    assertThat(values).containsExactly(Map.entry("a", "A"));
    assertThat(cache.getIfPresent("missing")).isNull();
  }

  @Test
  void getAllWithNegativeCachingRemembersKeysTheLoaderDidNotReturn() {
    Cache<String, String> cache = cache(negativeCaching(Duration.ofMinutes(5)));
    RecordingBulkLoader loader = new RecordingBulkLoader(key -> key.equals("a") ? "A" : null);

    assertThat(cache.getAll(List.of("a", "missing"), loader)).containsExactly(Map.entry("a", "A"));
    assertThat(cache.getAll(List.of("a", "missing"), loader)).containsExactly(Map.entry("a", "A"));

    assertThat(loader.calls).containsExactly(Set.of("a", "missing"));
    assertThat(cache.get("missing", key -> "must not load")).isNull();
  }

  @Test
  void getAllLoaderFailureReachesTheCallerAndCachesNothing() {
    Cache<String, String> cache = cache();
    IllegalStateException failure = new IllegalStateException("bulk failed");
    CacheLoader<String, String> loader =
        new CacheLoader<>() {
          @Override
          public String load(String key) {
            throw failure;
          }

          @Override
          public Map<String, String> loadAll(Set<? extends String> keys) {
            throw failure;
          }
        };

    assertThatThrownBy(() -> cache.getAll(List.of("a", "b"), loader)).isSameAs(failure);
    assertThat(cache.getAllPresent(List.of("a", "b"))).isEmpty();
  }

  @Test
  void getAllCheckedLoaderFailureIsWrappedInCacheLoadException() {
    Cache<String, String> cache = cache();
    IOException failure = new IOException("bulk failed");
    CacheLoader<String, String> loader =
        new CacheLoader<>() {
          @Override
          public String load(String key) throws IOException {
            throw failure;
          }

          @Override
          public Map<String, String> loadAll(Set<? extends String> keys) throws IOException {
            throw failure;
          }
        };

    assertThatThrownBy(() -> cache.getAll(List.of("a"), loader))
        .isInstanceOf(CacheLoadException.class)
        .hasCause(failure);
  }

  // ---------------------------------------------------------------- expiry

  @Test
  void entriesExpireAfterTheDefaultTtl() {
    Cache<String, String> cache = cache(TtlPolicy.of(shortTtl()));

    cache.put("k", "v");
    cache.get("loaded", key -> "L");

    await()
        .atMost(patience())
        .pollInterval(Duration.ofMillis(20))
        .untilAsserted(
            () -> {
              assertThat(cache.getIfPresent("k")).isNull();
              assertThat(cache.getIfPresent("loaded")).isNull();
            });
    assertThat(cache.get("k", key -> "reloaded")).isEqualTo("reloaded");
  }

  @Test
  void perEntryTtlExpiresEntriesOfAnEternalCache() {
    Cache<String, String> cache = cache();

    cache.put("short", "v", shortTtl());
    cache.put("forever", "v");

    await()
        .atMost(patience())
        .pollInterval(Duration.ofMillis(20))
        .until(() -> cache.getIfPresent("short") == null);
    assertThat(cache.getIfPresent("forever")).isEqualTo("v");
  }

  @Test
  void perEntryTtlOverridesTheDefaultTtl() {
    Cache<String, String> cache = cache(TtlPolicy.of(shortTtl()));

    cache.put("long", "v", Duration.ofMinutes(10));
    cache.put("default", "v");

    await()
        .atMost(patience())
        .pollInterval(Duration.ofMillis(20))
        .until(() -> cache.getIfPresent("default") == null);
    assertThat(cache.getIfPresent("long")).isEqualTo("v");
  }

  @Test
  void jitterSpreadsExpiryWithinItsBounds() {
    Duration ttl = shortTtl().multipliedBy(4);
    double jitter = 0.5;
    Cache<String, String> cache = cache(TtlPolicy.builder().defaultTtl(ttl).jitter(jitter).build());
    List<String> keys = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      keys.add("k" + i);
    }

    long start = System.nanoTime();
    for (String key : keys) {
      cache.put(key, "v");
    }
    int presentAtOnce = cache.getAllPresent(keys).size();
    long elapsed = System.nanoTime() - start;
    if (elapsed < ttl.toNanos() * (1 - jitter)) {
      assertThat(presentAtOnce).as("no entry expires before ttl × (1 − jitter)").isEqualTo(40);
    }

    await()
        .atMost(patience())
        .pollInterval(Duration.ofMillis(10))
        .alias("entries written together expire at different times")
        .until(
            () -> {
              int present = cache.getAllPresent(keys).size();
              return present > 0 && present < keys.size();
            });
    await()
        .atMost(patience())
        .pollInterval(Duration.ofMillis(20))
        .until(() -> cache.getAllPresent(keys).isEmpty());
  }

  // ---------------------------------------------------------------- bad input

  @Test
  void nullKeysAreRejectedWithAMessageNamingTheKey() {
    Cache<String, String> cache = cache();
    CacheLoader<String, String> loader = key -> "v";
    List<String> withNull = Arrays.asList("a", null);

    assertNpeNaming(() -> cache.getIfPresent(null), "key");
    assertNpeNaming(() -> cache.get(null, loader), "key");
    assertNpeNaming(() -> cache.getAllPresent(null), "keys");
    assertNpeNaming(() -> cache.getAllPresent(withNull), "key");
    assertNpeNaming(() -> cache.getAll(null, loader), "keys");
    assertNpeNaming(() -> cache.getAll(withNull, loader), "key");
    assertNpeNaming(() -> cache.put(null, "v"), "key");
    assertNpeNaming(() -> cache.put(null, "v", Duration.ofSeconds(1)), "key");
    assertNpeNaming(() -> cache.invalidate(null), "key");
    assertNpeNaming(() -> cache.invalidateAll(null), "keys");
    assertNpeNaming(() -> cache.invalidateAll(withNull), "key");
  }

  @Test
  void nullValuesAreRejectedAndNothingOfTheCallIsStored() {
    Cache<String, String> cache = cache();
    cache.put("a", "old");
    Map<String, String> withNullValue = new LinkedHashMap<>();
    withNullValue.put("a", "new");
    withNullValue.put("b", null);
    Map<String, String> withNullKey = new HashMap<>();
    withNullKey.put("a", "new");
    withNullKey.put(null, "x");

    assertNpeNaming(() -> cache.put("a", null), "value");
    assertNpeNaming(() -> cache.put("a", null, Duration.ofSeconds(1)), "value");
    assertNpeNaming(() -> cache.putAll(null), "entries");
    assertNpeNaming(() -> cache.putAll(withNullValue), "value");
    assertNpeNaming(() -> cache.putAll(withNullKey), "key");

    assertThat(cache.getIfPresent("a")).as("a rejected call changes nothing").isEqualTo("old");
    assertThat(cache.getIfPresent("b")).isNull();
  }

  @Test
  void nullLoadersAreRejectedWithAMessageNamingTheLoader() {
    Cache<String, String> cache = cache();

    assertNpeNaming(() -> cache.get("k", null), "loader");
    assertNpeNaming(() -> cache.getAll(List.of("k"), null), "loader");
  }

  @Test
  void nullAndNonPositiveTtlsAreRejectedWithAMessageNamingTheTtl() {
    Cache<String, String> cache = cache();
    cache.put("k", "old");

    assertNpeNaming(() -> cache.put("k", "v", null), "ttl");
    assertThatThrownBy(() -> cache.put("k", "v", Duration.ofSeconds(-1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("ttl")
        .hasMessageContaining("PT-1S");
    assertThatThrownBy(() -> cache.put("k", "v", Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("ttl");

    assertThat(cache.getIfPresent("k")).isEqualTo("old");
  }

  private static void assertNpeNaming(Runnable call, String argument) {
    assertThatThrownBy(call::run)
        .isInstanceOf(NullPointerException.class)
        .hasMessageContaining(argument);
  }

  // ---------------------------------------------------------------- async view

  @Test
  void asyncViewIsOneInstanceWhoseSynchronousViewIsTheCache() {
    Cache<String, String> cache = cache();

    assertThat(cache.async()).isSameAs(cache.async());
    assertThat(cache.async().synchronous()).isSameAs(cache);
  }

  @Test
  void asyncViewSharesEntriesWithTheCache() throws Exception {
    Cache<String, String> cache = cache();
    AsyncCache<String, String> async = cache.async();

    cache.put("sync", "1");
    join(async.put("async", "2"));

    assertThat(join(async.getIfPresent("sync"))).isEqualTo("1");
    assertThat(cache.getIfPresent("async")).isEqualTo("2");
    assertThat(join(async.getAllPresent(List.of("sync", "async", "none"))))
        .containsOnly(Map.entry("sync", "1"), Map.entry("async", "2"));
  }

  @Test
  void asyncPutAllAndInvalidations() throws Exception {
    AsyncCache<String, String> async = cache().async();

    join(async.putAll(Map.of("a", "1", "b", "2", "c", "3", "d", "4")));
    join(async.invalidate("a"));
    join(async.invalidateAll(List.of("b")));

    assertThat(join(async.getAllPresent(List.of("a", "b", "c", "d"))))
        .containsOnly(Map.entry("c", "3"), Map.entry("d", "4"));

    join(async.invalidateAll());

    assertThat(join(async.getAllPresent(List.of("c", "d")))).isEmpty();
  }

  @Test
  void asyncPutWithTtlExpires() throws Exception {
    AsyncCache<String, String> async = cache().async();

    join(async.put("k", "v", shortTtl()));

    await()
        .atMost(patience())
        .pollInterval(Duration.ofMillis(20))
        .until(() -> join(async.getIfPresent("k")) == null);
  }

  @Test
  void asyncGetLoadsOnMissAndCaches() throws Exception {
    Cache<String, String> cache = cache();
    AtomicInteger loads = new AtomicInteger();
    Function<String, CompletionStage<String>> loader =
        key -> {
          loads.incrementAndGet();
          return CompletableFuture.completedFuture("async-" + key);
        };

    assertThat(join(cache.async().get("k", loader))).isEqualTo("async-k");
    assertThat(join(cache.async().get("k", loader))).isEqualTo("async-k");

    assertThat(loads).hasValue(1);
    assertThat(cache.getIfPresent("k")).isEqualTo("async-k");
  }

  @Test
  void asyncConcurrentMissesOnOneKeyCauseExactlyOneLoad() throws Exception {
    Cache<String, String> cache = cache();
    AtomicInteger loads = new AtomicInteger();
    CompletableFuture<String> pending = new CompletableFuture<>();
    Function<String, CompletionStage<String>> loader =
        key -> {
          loads.incrementAndGet();
          return pending;
        };

    List<CompletableFuture<String>> results = new ArrayList<>();
    for (int i = 0; i < RACERS; i++) {
      results.add(cache.async().get("hot", loader).toCompletableFuture());
    }
    await().atMost(patience()).until(() -> loads.get() == 1);
    pending.complete("loaded");

    for (CompletableFuture<String> result : results) {
      assertThat(result.get(30, TimeUnit.SECONDS)).isEqualTo("loaded");
    }
    assertThat(loads).hasValue(1);
    assertThat(cache.getIfPresent("hot")).isEqualTo("loaded");
  }

  @Test
  void asyncLoaderFailureCompletesEveryCallerExceptionallyAndCachesNothing() throws Exception {
    Cache<String, String> cache = cache();
    AtomicInteger loads = new AtomicInteger();
    CompletableFuture<String> pending = new CompletableFuture<>();
    IllegalStateException failure = new IllegalStateException("async failure");
    Function<String, CompletionStage<String>> loader =
        key -> {
          loads.incrementAndGet();
          return pending;
        };

    List<CompletableFuture<String>> results = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      results.add(cache.async().get("k", loader).toCompletableFuture());
    }
    await().atMost(patience()).until(() -> loads.get() == 1);
    pending.completeExceptionally(failure);

    for (CompletableFuture<String> result : results) {
      assertThat(rootCause(result)).isSameAs(failure);
    }
    assertThat(loads).hasValue(1);
    assertThat(cache.getIfPresent("k")).isNull();
    assertThat(join(cache.async().get("k", key -> CompletableFuture.completedFuture("again"))))
        .isEqualTo("again");
  }

  @Test
  void asyncLoaderCompletingWithNullMeansAbsent() throws Exception {
    Cache<String, String> cache = cache();

    assertThat(join(cache.async().get("k", key -> CompletableFuture.completedFuture(null))))
        .isNull();
    assertThat(cache.getIfPresent("k")).isNull();
  }

  @Test
  void asyncGetAllLoadsOnlyTheMissingKeysInOneCall() throws Exception {
    Cache<String, String> cache = cache();
    cache.put("a", "A");
    List<Set<String>> calls = new CopyOnWriteArrayList<>();

    Map<String, String> values =
        join(
            cache
                .async()
                .getAll(
                    List.of("a", "b", "c"),
                    keys -> {
                      calls.add(new HashSet<>(keys));
                      Map<String, String> loaded = new HashMap<>();
                      for (String key : keys) {
                        loaded.put(key, key.toUpperCase());
                      }
                      return CompletableFuture.completedFuture(loaded);
                    }));

    assertThat(values).containsOnly(Map.entry("a", "A"), Map.entry("b", "B"), Map.entry("c", "C"));
    assertThat(calls).containsExactly(Set.of("b", "c"));
    assertThat(cache.getIfPresent("c")).isEqualTo("C");
  }

  @Test
  void asyncNullArgumentsAreRejectedAtOnce() {
    AsyncCache<String, String> async = cache().async();

    assertNpeNaming(() -> async.getIfPresent(null), "key");
    assertNpeNaming(() -> async.get(null, key -> CompletableFuture.completedFuture("v")), "key");
    assertNpeNaming(() -> async.get("k", null), "loader");
    assertNpeNaming(() -> async.put(null, "v"), "key");
    assertNpeNaming(() -> async.put("k", null), "value");
    assertNpeNaming(() -> async.put("k", "v", null), "ttl");
    assertNpeNaming(() -> async.invalidate(null), "key");
    assertThatThrownBy(() -> async.put("k", "v", Duration.ofMillis(-5)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("ttl");
  }

  // ---------------------------------------------------------------- statistics

  @Test
  void statsCountHitsMissesLoadsAndLoadFailures() {
    Cache<String, String> cache = cache();
    CacheStats before = cache.stats();

    cache.getIfPresent("a"); // miss
    cache.get("a", key -> "A"); // miss + load
    cache.get("a", key -> "unused"); // hit
    cache.getIfPresent("a"); // hit
    assertThatThrownBy(
            () ->
                cache.get(
                    "b",
                    key -> {
                      throw new IllegalStateException("boom");
                    }))
        .isInstanceOf(IllegalStateException.class); // miss + load failure

    CacheStats delta = cache.stats().minus(before);
    assertThat(delta.hitCount()).isEqualTo(2);
    assertThat(delta.missCount()).isEqualTo(3);
    assertThat(delta.loadSuccessCount()).isEqualTo(1);
    assertThat(delta.loadFailureCount()).isEqualTo(1);
    assertThat(delta.totalLoadTimeNanos()).isPositive();
  }

  @Test
  void statsCountEachKeyOfBulkLookups() {
    Cache<String, String> cache = cache();
    cache.putAll(Map.of("a", "A", "b", "B"));
    CacheStats before = cache.stats();

    cache.getAll(List.of("a", "b", "c"), new RecordingBulkLoader(key -> key.toUpperCase()));
    cache.getAllPresent(List.of("a", "x"));

    CacheStats delta = cache.stats().minus(before);
    assertThat(delta.hitCount()).isEqualTo(3);
    assertThat(delta.missCount()).isEqualTo(2);
    assertThat(delta.loadSuccessCount()).isPositive();
    assertThat(delta.loadFailureCount()).isZero();
  }

  // ---------------------------------------------------------------- helpers

  private static <T> T join(CompletionStage<T> stage) throws Exception {
    return stage.toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  private static Throwable rootCause(CompletableFuture<?> future) {
    try {
      future.get(30, TimeUnit.SECONDS);
      throw new AssertionError("expected a failure");
    } catch (Exception e) {
      Throwable t = e;
      while (t.getCause() != null
          && (t instanceof java.util.concurrent.CompletionException
              || t instanceof java.util.concurrent.ExecutionException)) {
        t = t.getCause();
      }
      return t;
    }
  }

  /** A bulk loader that records each {@code loadAll} call and counts single loads. */
  static final class RecordingBulkLoader implements CacheLoader<String, String> {
    final List<Set<String>> calls = new CopyOnWriteArrayList<>();
    final AtomicInteger singleLoads = new AtomicInteger();
    private final Function<String, String> values;

    RecordingBulkLoader(Function<String, String> values) {
      this.values = values;
    }

    @Override
    public String load(String key) {
      singleLoads.incrementAndGet();
      return values.apply(key);
    }

    @Override
    public Map<String, String> loadAll(Set<? extends String> keys) {
      calls.add(Set.copyOf(keys));
      Map<String, String> loaded = new HashMap<>();
      for (String key : keys) {
        String value = values.apply(key);
        if (value != null) {
          loaded.put(key, value);
        }
      }
      return loaded;
    }
  }

  /** Threads that start a call together and collect its results and failures. */
  static final class Racers<T> {
    private final Thread[] threads;
    private final AtomicReferenceArray<Object> outcomes;
    private final CountDownLatch done;
    private final CountDownLatch calling;

    private Racers(int count) {
      threads = new Thread[count];
      calling = new CountDownLatch(count);
      outcomes = new AtomicReferenceArray<>(count);
      done = new CountDownLatch(count);
    }

    /** A call that may throw. */
    interface Call<T> {
      T call() throws Exception;
    }

    static <T> Racers<T> start(int count, Call<T> call) throws InterruptedException {
      Racers<T> racers = new Racers<>(count);
      CountDownLatch ready = new CountDownLatch(count);
      CountDownLatch go = new CountDownLatch(1);
      for (int i = 0; i < count; i++) {
        int index = i;
        Thread thread =
            new Thread(
                () -> {
                  ready.countDown();
                  try {
                    go.await();
                    racers.calling.countDown();
                    racers.outcomes.set(index, new Outcome(call.call(), null));
                  } catch (Throwable t) {
                    racers.outcomes.set(index, new Outcome(null, t));
                  } finally {
                    racers.done.countDown();
                  }
                },
                "racer-" + i);
        thread.setDaemon(true);
        racers.threads[i] = thread;
        thread.start();
      }
      ready.await();
      go.countDown();
      return racers;
    }

    /**
     * Waits until every racer but the one running the load is parked, and stays parked: they have
     * all joined the load in flight.
     */
    void awaitAllWaiting(Duration patience) throws InterruptedException {
      assertThat(calling.await(patience.toMillis(), TimeUnit.MILLISECONDS)).isTrue();
      await()
          .atMost(patience)
          .pollInterval(Duration.ofMillis(10))
          .during(Duration.ofMillis(100))
          .until(
              () -> {
                for (Thread thread : threads) {
                  Thread.State state = thread.getState();
                  if (state == Thread.State.RUNNABLE || state == Thread.State.NEW) {
                    return false;
                  }
                }
                return true;
              });
    }

    private void awaitDone() throws InterruptedException {
      assertThat(done.await(60, TimeUnit.SECONDS)).as("every racer finished").isTrue();
    }

    @SuppressWarnings("unchecked")
    List<T> results() throws InterruptedException {
      awaitDone();
      List<T> results = new ArrayList<>();
      for (int i = 0; i < threads.length; i++) {
        Outcome outcome = (Outcome) outcomes.get(i);
        if (outcome.failure == null) {
          results.add((T) outcome.value);
        }
      }
      return results;
    }

    List<Throwable> failures() throws InterruptedException {
      awaitDone();
      List<Throwable> failures = new ArrayList<>();
      for (int i = 0; i < threads.length; i++) {
        Outcome outcome = (Outcome) outcomes.get(i);
        if (outcome.failure != null) {
          failures.add(outcome.failure);
        }
      }
      return failures;
    }

    private record Outcome(Object value, Throwable failure) {}
  }
}
