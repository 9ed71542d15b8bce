package dev.strata.cache.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.strata.cache.CacheLoadException;
import dev.strata.cache.CacheLoader;
import dev.strata.cache.TtlPolicy;
import dev.strata.testsupport.RedisServer;
import dev.strata.testsupport.WithRedis;
import io.lettuce.core.RedisClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

/**
 * Loads of one process racing with its own writes, on a real Redis: a put or an invalidation
 * detaches the load in flight (a lookup after it starts a new load, takes a new lease at once and
 * fills, while the detached load's value is never stored), a load timeout frees the waiters and
 * gives the lease back, and a recursive load (blocking or through the asynchronous view) fails at
 * once naming the cache.
 *
 * <p>The caches wait up to 30 s for another caller's lease, longer than any wait of these tests, so
 * a lookup that waited for its own process's old lease would fail the test instead of passing late.
 */
@WithRedis
class RedisCacheLoadCorrectnessTest {

  private static final Duration LONG_LEASE = Duration.ofSeconds(30);

  private static RedisClient client;
  private final List<RedisCache<String, String>> caches = new ArrayList<>();
  private final ExecutorService pool =
      Executors.newCachedThreadPool(
          task -> {
            Thread thread = new Thread(task, "caller");
            thread.setDaemon(true);
            return thread;
          });
  private String name = "orders";

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
    name = "detach-" + info.getTestMethod().orElseThrow().getName();
  }

  @AfterEach
  void closeCaches() {
    pool.shutdownNow();
    caches.forEach(RedisCache::close);
  }

  private RedisCache.Builder<String, String> builder() {
    return RedisCache.builder(client)
        .name(name)
        .commandTimeout(Duration.ofSeconds(2))
        .leaseDuration(LONG_LEASE)
        .leaseMaxWait(LONG_LEASE)
        .tombstoneTtl(LONG_LEASE);
  }

  private RedisCache<String, String> track(RedisCache<String, String> cache) {
    caches.add(cache);
    return cache;
  }

  /** A loader that signals when it runs and returns {@code value} once released. */
  static final class BlockedLoader implements CacheLoader<String, String> {
    final CountDownLatch started = new CountDownLatch(1);
    final CountDownLatch release = new CountDownLatch(1);
    final AtomicInteger calls = new AtomicInteger();
    private final String value;

    BlockedLoader(String value) {
      this.value = value;
    }

    @Override
    public String load(String key) throws Exception {
      calls.incrementAndGet();
      started.countDown();
      assertThat(release.await(30, TimeUnit.SECONDS)).isTrue();
      return value;
    }
  }

  /** Starts a blocking {@code get} of "k" whose loader reads "old" and waits for the test. */
  private CompletableFuture<String> staleLoad(RedisCache<String, String> cache, BlockedLoader stale)
      throws InterruptedException {
    CompletableFuture<String> first =
        CompletableFuture.supplyAsync(() -> cache.get("k", stale), pool);
    assertThat(stale.started.await(10, TimeUnit.SECONDS)).isTrue();
    return first;
  }

  private CompletableFuture<String> lookup(RedisCache<String, String> cache) {
    return CompletableFuture.supplyAsync(() -> cache.get("k", k -> "new"), pool);
  }

  @Test
  void aLookupAfterInvalidateStartsANewLoadAndFillsWhileTheStaleLoadIsNotStored() throws Exception {
    RedisCache<String, String> cache = track(builder().build());
    BlockedLoader stale = new BlockedLoader("old");
    CompletableFuture<String> first = staleLoad(cache, stale);

    cache.invalidate("k");
    CompletableFuture<String> after = lookup(cache);

    try {
      assertThat(after.get(10, TimeUnit.SECONDS)).as("read-your-writes").isEqualTo("new");
      assertThat(cache.getIfPresent("k"))
          .as("the new load took a lease and filled")
          .isEqualTo("new");
    } finally {
      stale.release.countDown();
    }
    assertThat(first.get(10, TimeUnit.SECONDS)).isEqualTo("old");
    assertThat(cache.getIfPresent("k")).as("the stale load is not stored").isEqualTo("new");
    assertThat(cache.leaseStats().waitsTimedOut()).isZero();
  }

  @Test
  void aLookupAfterAPutWhoseValueIsGoneStartsANewLoad() throws Exception {
    RedisCache<String, String> cache = track(builder().build());
    BlockedLoader stale = new BlockedLoader("old");
    CompletableFuture<String> first = staleLoad(cache, stale);

    cache.put("k", "written", Duration.ofMillis(1));
    await().atMost(Duration.ofSeconds(10)).until(() -> cache.getIfPresent("k") == null);
    CompletableFuture<String> after = lookup(cache);

    try {
      assertThat(after.get(10, TimeUnit.SECONDS)).isEqualTo("new");
    } finally {
      stale.release.countDown();
    }
    assertThat(first.get(10, TimeUnit.SECONDS)).isEqualTo("old");
    assertThat(cache.getIfPresent("k")).isEqualTo("new");
  }

  @Test
  void putAllAndInvalidateAllDetachTheirKeys() throws Exception {
    RedisCache<String, String> cache =
        track(builder().ttl(TtlPolicy.of(Duration.ofMillis(200))).build());
    BlockedLoader stale = new BlockedLoader("old");
    CompletableFuture<String> first = staleLoad(cache, stale);

    cache.putAll(Map.of("k", "written", "other", "x"));
    await().atMost(Duration.ofSeconds(10)).until(() -> cache.getIfPresent("k") == null);
    assertThat(lookup(cache).get(10, TimeUnit.SECONDS)).isEqualTo("new");

    BlockedLoader second = new BlockedLoader("old");
    CompletableFuture<String> other =
        CompletableFuture.supplyAsync(() -> cache.get("o", second), pool);
    assertThat(second.started.await(10, TimeUnit.SECONDS)).isTrue();
    cache.invalidateAll();
    CompletableFuture<String> afterAll =
        CompletableFuture.supplyAsync(() -> cache.get("o", k -> "new"), pool);

    try {
      assertThat(afterAll.get(10, TimeUnit.SECONDS)).isEqualTo("new");
    } finally {
      stale.release.countDown();
      second.release.countDown();
    }
    assertThat(first.get(10, TimeUnit.SECONDS)).isEqualTo("old");
    assertThat(other.get(10, TimeUnit.SECONDS)).isEqualTo("old");
    assertThat(cache.getIfPresent("k")).isNotEqualTo("old");
    assertThat(cache.getIfPresent("o")).isNotEqualTo("old");
  }

  @Test
  void anAsyncLookupAfterAnAsyncInvalidateStartsANewLoad() throws Exception {
    RedisCache<String, String> cache = track(builder().build());
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
    assertThat(cache.getIfPresent("k")).isEqualTo("new");
  }

  @Test
  void aBlockingLookupAfterAnAsyncPutDoesNotJoinTheAsyncLoad() throws Exception {
    RedisCache<String, String> cache = track(builder().build());
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

    cache.async().put("k", "written", Duration.ofMillis(1)).toCompletableFuture().join();
    await().atMost(Duration.ofSeconds(10)).until(() -> cache.getIfPresent("k") == null);
    try {
      assertThat(lookup(cache).get(10, TimeUnit.SECONDS)).isEqualTo("new");
    } finally {
      hung.complete("old");
    }
    assertThat(first.get(10, TimeUnit.SECONDS)).isEqualTo("old");
    assertThat(cache.getIfPresent("k")).isEqualTo("new");
  }

  @Test
  void aLoadTimeoutFreesTheWaitersNamingTheCacheAndGivesTheLeaseBack() throws Exception {
    RedisCache<String, String> cache = track(builder().loadTimeout(Duration.ofSeconds(2)).build());
    BlockedLoader hung = new BlockedLoader("old");
    CompletableFuture<String> first = staleLoad(cache, hung);

    CompletableFuture<String> waiter =
        CompletableFuture.supplyAsync(
            () -> cache.get("k", k -> "the waiter joined, it must not load"), pool);
    try {
      assertThatThrownBy(() -> waiter.get(10, TimeUnit.SECONDS))
          .isInstanceOf(ExecutionException.class)
          .cause()
          .isInstanceOf(CacheLoadException.class)
          .hasMessageContaining("'" + name + "'")
          .hasMessageContaining("load timeout")
          .hasCauseInstanceOf(TimeoutException.class);

      assertThat(lookup(cache).get(10, TimeUnit.SECONDS))
          .as("the next lookup does not wait for the timed-out load's lease")
          .isEqualTo("new");
      assertThat(cache.getIfPresent("k")).isEqualTo("new");
    } finally {
      hung.release.countDown();
    }
    assertThat(first.get(10, TimeUnit.SECONDS)).as("the late load's own caller").isEqualTo("old");
    assertThat(cache.getIfPresent("k")).as("the late load does not fill").isEqualTo("new");
    assertThat(hung.calls).hasValue(1);
  }

  @Test
  void anAsyncLoadTimeoutFailsTheStageAndTheNextLookupLoads() throws Exception {
    RedisCache<String, String> cache = track(builder().loadTimeout(Duration.ofMillis(300)).build());
    CompletableFuture<String> hung = new CompletableFuture<>();
    CompletableFuture<String> first = cache.async().get("k", k -> hung).toCompletableFuture();

    assertThatThrownBy(() -> first.get(10, TimeUnit.SECONDS))
        .cause()
        .isInstanceOf(CacheLoadException.class)
        .hasMessageContaining("'" + name + "'")
        .hasCauseInstanceOf(TimeoutException.class);
    CompletableFuture<String> after =
        cache.async().get("k", k -> CompletableFuture.completedFuture("new")).toCompletableFuture();
    assertThat(after.get(10, TimeUnit.SECONDS)).isEqualTo("new");
    assertThat(cache.getIfPresent("k")).isEqualTo("new");

    hung.complete("old");
    assertThat(cache.getIfPresent("k")).isEqualTo("new");
  }

  @Test
  void aLoaderThatAsksForItsOwnKeyFailsAtOnceNamingTheCache() throws Exception {
    RedisCache<String, String> cache = track(builder().build());
    AtomicReference<RedisCache<String, String>> self = new AtomicReference<>(cache);
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
        .hasMessageContaining("cache '" + name + "'")
        .hasMessageContaining("recursive load");
    assertThat(cache.getIfPresent("k")).isNull();
    assertThat(cache.get("k", k -> "later")).isEqualTo("later");
    assertThat(cache.getIfPresent("k")).as("the lease was given back").isEqualTo("later");
  }

  @Test
  void anAsyncLoaderThatAsksForItsOwnKeyFailsAtOnceNamingTheCache() throws Exception {
    RedisCache<String, String> cache = track(builder().build());
    AtomicInteger innerLoads = new AtomicInteger();
    Function<String, CompletionStage<String>> recursive =
        key ->
            cache
                .async()
                .get(
                    key,
                    k -> {
                      innerLoads.incrementAndGet();
                      return CompletableFuture.completedFuture("inner");
                    })
                .thenApply(inner -> "x" + inner);

    CompletableFuture<String> outcome = cache.async().get("k", recursive).toCompletableFuture();

    assertThatThrownBy(() -> outcome.get(10, TimeUnit.SECONDS))
        .isInstanceOf(ExecutionException.class)
        .cause()
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("cache '" + name + "'")
        .hasMessageContaining("recursive load");
    assertThat(innerLoads).hasValue(0);
    assertThat(cache.getIfPresent("k")).isNull();
    CompletableFuture<String> later =
        cache
            .async()
            .get("k", k -> CompletableFuture.completedFuture("later"))
            .toCompletableFuture();
    assertThat(later.get(10, TimeUnit.SECONDS)).as("the lease was given back").isEqualTo("later");
    assertThat(cache.getIfPresent("k")).isEqualTo("later");
  }

  @Test
  void aLoadTimeoutThatIsNotPositiveIsRejectedAtBuild() {
    assertThatThrownBy(() -> builder().loadTimeout(Duration.ZERO).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("loadTimeout must be positive but was PT0S");
    assertThatThrownBy(() -> builder().loadTimeout(Duration.ofSeconds(-1)).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("loadTimeout");
  }
}
