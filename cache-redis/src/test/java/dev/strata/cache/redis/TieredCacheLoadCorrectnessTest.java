package dev.strata.cache.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.strata.cache.CacheLoadException;
import dev.strata.cache.CacheLoader;
import dev.strata.cache.KeyCodec;
import dev.strata.cache.local.LocalCache;
import dev.strata.cache.redis.RedisCacheLoadCorrectnessTest.BlockedLoader;
import dev.strata.testsupport.RedisServer;
import dev.strata.testsupport.WithRedis;
import io.lettuce.core.RedisClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

/**
 * Lookups of one tiered node racing with its own writes, over a {@link RedisCache} L2 and a {@link
 * RedisInvalidationBus} on a real Redis: a write detaches the lookup in flight (a lookup after it
 * starts a new one and gets the new value, while the detached one's value enters neither L1 nor
 * L2), a load timeout frees the waiters naming the cache, and a recursive load fails at once.
 */
@WithRedis
class TieredCacheLoadCorrectnessTest {

  private static final Duration LONG_LEASE = Duration.ofSeconds(30);

  private static RedisClient client;
  private final List<AutoCloseable> closeables = new ArrayList<>();
  private final ExecutorService pool =
      Executors.newCachedThreadPool(
          task -> {
            Thread thread = new Thread(task, "caller");
            thread.setDaemon(true);
            return thread;
          });
  private String name = "orders";
  private @Nullable LocalCache<String, String> l1;
  private @Nullable RedisCache<String, String> l2;

  @BeforeAll
  static void connect(RedisServer redis) {
    client = RedisClient.create(redis.uri());
  }

  @AfterAll
  static void disconnect() {
    client.shutdown();
  }

  @BeforeEach
  void nameTheCache(TestInfo info) {
    name = "tdetach-" + info.getTestMethod().orElseThrow().getName();
  }

  @AfterEach
  void closeAll() throws Exception {
    pool.shutdownNow();
    for (int i = closeables.size() - 1; i >= 0; i--) {
      closeables.get(i).close();
    }
  }

  private <T extends AutoCloseable> T track(T closeable) {
    closeables.add(closeable);
    return closeable;
  }

  private TieredCache.Builder<String, String> builder(@Nullable Duration l2LoadTimeout) {
    l1 = LocalCache.<String, String>builder().name(name + "-l1").build();
    l2 =
        track(
            RedisCache.builder(client)
                .name(name)
                .commandTimeout(Duration.ofSeconds(2))
                .leaseDuration(LONG_LEASE)
                .leaseMaxWait(LONG_LEASE)
                .tombstoneTtl(LONG_LEASE)
                .loadTimeout(l2LoadTimeout)
                .build());
    RedisInvalidationBus bus = track(RedisInvalidationBus.builder(client).nodeId("a").build());
    return TieredCache.builder(l1, l2)
        .name("tiered-" + name)
        .bus(bus)
        .keyCodec(KeyCodec.string())
        .l1Ttl(Duration.ofMinutes(5));
  }

  private TieredCache<String, String> tiered() {
    return track(builder(null).build());
  }

  private CompletableFuture<String> staleLoad(
      TieredCache<String, String> cache, BlockedLoader stale) throws InterruptedException {
    CompletableFuture<String> first =
        CompletableFuture.supplyAsync(() -> cache.get("k", stale), pool);
    assertThat(stale.started.await(10, TimeUnit.SECONDS)).isTrue();
    return first;
  }

  private CompletableFuture<String> lookup(TieredCache<String, String> cache) {
    return CompletableFuture.supplyAsync(() -> cache.get("k", k -> "new"), pool);
  }

  /** Neither level holds the stale value: "new" in both, or nothing. */
  private void assertNoLevelHoldsOld() {
    assertThat(l1.getIfPresent("k")).as("L1").isNotEqualTo("old");
    assertThat(l2.getIfPresent("k")).as("L2").isEqualTo("new");
  }

  @Test
  void aLookupAfterInvalidateStartsANewLoadAndTheStaleOneEntersNoLevel() throws Exception {
    TieredCache<String, String> cache = tiered();
    BlockedLoader stale = new BlockedLoader("old");
    CompletableFuture<String> first = staleLoad(cache, stale);

    cache.invalidate("k");
    CompletableFuture<String> after = lookup(cache);

    try {
      assertThat(after.get(10, TimeUnit.SECONDS)).as("read-your-writes").isEqualTo("new");
      assertThat(l1.getIfPresent("k")).isEqualTo("new");
    } finally {
      stale.release.countDown();
    }
    assertThat(first.get(10, TimeUnit.SECONDS)).isEqualTo("old");
    assertNoLevelHoldsOld();
    assertThat(cache.getIfPresent("k")).isEqualTo("new");
  }

  @Test
  void aLookupAfterPutGetsThePutValueInsteadOfJoiningTheStaleLoad() throws Exception {
    TieredCache<String, String> cache = tiered();
    BlockedLoader stale = new BlockedLoader("old");
    CompletableFuture<String> first = staleLoad(cache, stale);

    cache.put("k", "new");
    CompletableFuture<String> after =
        CompletableFuture.supplyAsync(() -> cache.get("k", k -> "loaded"), pool);

    try {
      assertThat(after.get(10, TimeUnit.SECONDS)).isEqualTo("new");
    } finally {
      stale.release.countDown();
    }
    assertThat(first.get(10, TimeUnit.SECONDS)).isEqualTo("old");
    assertNoLevelHoldsOld();
  }

  @Test
  void putAllAndInvalidateAllDetachTheirKeys() throws Exception {
    TieredCache<String, String> cache = tiered();
    BlockedLoader stale = new BlockedLoader("old");
    CompletableFuture<String> first = staleLoad(cache, stale);
    cache.putAll(Map.of("k", "new", "other", "x"));
    try {
      assertThat(
              CompletableFuture.supplyAsync(() -> cache.get("k", k -> "loaded"), pool)
                  .get(10, TimeUnit.SECONDS))
          .isEqualTo("new");
    } finally {
      stale.release.countDown();
    }
    assertThat(first.get(10, TimeUnit.SECONDS)).isEqualTo("old");
    assertNoLevelHoldsOld();

    BlockedLoader second = new BlockedLoader("old");
    CompletableFuture<String> other =
        CompletableFuture.supplyAsync(() -> cache.get("o", second), pool);
    assertThat(second.started.await(10, TimeUnit.SECONDS)).isTrue();
    cache.invalidateAll();
    try {
      assertThat(
              CompletableFuture.supplyAsync(() -> cache.get("o", k -> "new"), pool)
                  .get(10, TimeUnit.SECONDS))
          .isEqualTo("new");
    } finally {
      second.release.countDown();
    }
    assertThat(other.get(10, TimeUnit.SECONDS)).isEqualTo("old");
    assertThat(cache.getIfPresent("o")).isEqualTo("new");
  }

  @Test
  void anAsyncLookupAfterAnAsyncInvalidateStartsANewLoad() throws Exception {
    TieredCache<String, String> cache = tiered();
    CompletableFuture<String> hung = new CompletableFuture<>();
    AtomicInteger hungCalls = new AtomicInteger();
    CompletableFuture<String> first =
        cache
            .async()
            .get(
                "k",
                k -> {
                  hungCalls.incrementAndGet();
                  return hung;
                })
            .toCompletableFuture();
    await().atMost(Duration.ofSeconds(10)).until(() -> hungCalls.get() == 1);

    cache.async().invalidate("k").toCompletableFuture().get(10, TimeUnit.SECONDS);
    CompletableFuture<String> after =
        cache.async().get("k", k -> CompletableFuture.completedFuture("new")).toCompletableFuture();

    try {
      assertThat(after.get(10, TimeUnit.SECONDS)).isEqualTo("new");
    } finally {
      hung.complete("old");
    }
    assertThat(first.get(10, TimeUnit.SECONDS)).isEqualTo("old");
    assertNoLevelHoldsOld();
    assertThat(cache.getIfPresent("k")).isEqualTo("new");
  }

  @Test
  void aLoadTimeoutFreesTheWaitersNamingTheTieredCache() throws Exception {
    TieredCache<String, String> cache =
        track(builder(Duration.ofSeconds(1)).loadTimeout(Duration.ofSeconds(2)).build());
    BlockedLoader hung = new BlockedLoader("late");
    CompletableFuture<String> first = staleLoad(cache, hung);

    CompletableFuture<String> waiter =
        CompletableFuture.supplyAsync(
            () -> cache.get("k", k -> "the waiter joined, it must not load"), pool);
    try {
      assertThatThrownBy(() -> waiter.get(10, TimeUnit.SECONDS))
          .isInstanceOf(ExecutionException.class)
          .cause()
          .isInstanceOf(CacheLoadException.class)
          .hasMessageContaining("cache 'tiered-" + name + "'")
          .hasCauseInstanceOf(TimeoutException.class);
      assertThat(lookup(cache).get(10, TimeUnit.SECONDS)).isEqualTo("new");
    } finally {
      hung.release.countDown();
    }
    assertThat(first.get(10, TimeUnit.SECONDS)).as("the late load's own caller").isEqualTo("late");
    assertThat(l2.getIfPresent("k")).as("the late load lost its lease").isEqualTo("new");
    assertThat(l1.getIfPresent("k"))
        .as("no write happened: the late value may be copied into L1, as LocalCache caches it")
        .isIn("new", "late");
  }

  @Test
  void anAsyncLookupThatTimesOutFailsAndTheNextLookupLoads() throws Exception {
    TieredCache<String, String> cache =
        track(builder(Duration.ofMillis(300)).loadTimeout(Duration.ofMillis(300)).build());
    CompletableFuture<String> hung = new CompletableFuture<>();
    CompletableFuture<String> first = cache.async().get("k", k -> hung).toCompletableFuture();

    assertThatThrownBy(() -> first.get(10, TimeUnit.SECONDS))
        .cause()
        .isInstanceOf(CacheLoadException.class)
        .hasMessageContaining(name + "'")
        .hasCauseInstanceOf(TimeoutException.class);
    CompletableFuture<String> after =
        cache.async().get("k", k -> CompletableFuture.completedFuture("new")).toCompletableFuture();
    assertThat(after.get(10, TimeUnit.SECONDS)).isEqualTo("new");
    assertThat(l2.getIfPresent("k")).isEqualTo("new");

    hung.complete("late");
    assertThat(l2.getIfPresent("k")).as("the late load lost its lease").isEqualTo("new");
  }

  @Test
  void aLoaderThatAsksForItsOwnKeyFailsAtOnceNamingTheTieredCache() throws Exception {
    TieredCache<String, String> cache = tiered();
    AtomicReference<TieredCache<String, String>> self = new AtomicReference<>(cache);
    CacheLoader<String, String> recursive = key -> "x" + self.get().get(key, k -> "inner");

    CompletableFuture<Throwable> outcome =
        CompletableFuture.supplyAsync(
            () -> {
              try {
                cache.get("k", recursive);
                return null;
              } catch (Throwable t) {
                return t;
              }
            },
            pool);

    assertThat(outcome.get(10, TimeUnit.SECONDS))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("cache 'tiered-" + name + "'")
        .hasMessageContaining("recursive load");
    assertThat(cache.get("k", k -> "later")).isEqualTo("later");
    assertThat(l2.getIfPresent("k")).isEqualTo("later");
  }

  @Test
  void aLookupAfterAnotherNodesInvalidationWasAppliedDoesNotJoinTheStaleLoad() throws Exception {
    TieredCache<String, String> cache = tiered();
    RedisInvalidationBus busOfB = (RedisInvalidationBus) cache.bus;
    LocalCache<String, String> l1OfA =
        LocalCache.<String, String>builder().name(name + "-l1-a").build();
    RedisCache<String, String> l2OfA =
        track(RedisCache.builder(client).name(name).commandTimeout(Duration.ofSeconds(2)).build());
    RedisInvalidationBus busOfA =
        track(RedisInvalidationBus.builder(client).nodeId("peer").build());
    TieredCache<String, String> nodeA =
        track(
            TieredCache.builder(l1OfA, l2OfA)
                .name("tiered-" + name)
                .bus(busOfA)
                .keyCodec(KeyCodec.string())
                .build());
    BlockedLoader stale = new BlockedLoader("old");
    CompletableFuture<String> first = staleLoad(cache, stale);

    nodeA.invalidate("k");
    await()
        .atMost(Duration.ofSeconds(20))
        .until(() -> busOfB.receivedCount() >= busOfA.sentCount());
    CompletableFuture<String> after = lookup(cache);

    try {
      assertThat(after.get(10, TimeUnit.SECONDS)).isEqualTo("new");
    } finally {
      stale.release.countDown();
    }
    assertThat(first.get(10, TimeUnit.SECONDS)).isEqualTo("old");
    assertNoLevelHoldsOld();
    assertThat(nodeA.get("k", k -> "loaded on A")).isEqualTo("new");
  }

  @Test
  void aLoadTimeoutThatIsNotPositiveIsRejectedAtBuild() {
    assertThatThrownBy(() -> builder(null).loadTimeout(Duration.ofMillis(-5)).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("loadTimeout must be positive but was PT-0.005S");
  }
}
