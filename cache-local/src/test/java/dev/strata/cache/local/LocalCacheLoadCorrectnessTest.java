package dev.strata.cache.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.strata.cache.CacheLoadException;
import dev.strata.cache.CacheLoader;
import dev.strata.cache.TtlPolicy;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The guarantees of loads racing with writes: a write detaches the load in flight, a refresh never
 * resurrects, a recursive load fails at once, waiting honours interrupts, TTLs never overflow, and
 * the stamps that guard fills are per key.
 */
class LocalCacheLoadCorrectnessTest {

  private final FakeTicker ticker = new FakeTicker();
  private final ExecutorService pool =
      Executors.newCachedThreadPool(
          task -> {
            Thread thread = new Thread(task, "caller");
            thread.setDaemon(true);
            return thread;
          });

  @AfterEach
  void stopCallers() {
    pool.shutdownNow();
  }

  private LocalCache.Builder<String, String> builder() {
    return LocalCache.<String, String>builder()
        .name("orders")
        .executor(Runnable::run)
        .ticker(ticker);
  }

  /** A loader that signals when it runs and returns {@code value} once released. */
  private static final class BlockedLoader implements CacheLoader<String, String> {
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

  @Test
  void aLookupAfterInvalidateStartsANewLoadInsteadOfJoiningTheStaleOne() throws Exception {
    LocalCache<String, String> cache = builder().build();
    BlockedLoader stale = new BlockedLoader("old");
    CompletableFuture<String> first =
        CompletableFuture.supplyAsync(() -> cache.get("k", stale), pool);
    assertThat(stale.started.await(10, TimeUnit.SECONDS)).isTrue();

    cache.invalidate("k");
    CompletableFuture<String> after =
        CompletableFuture.supplyAsync(() -> cache.get("k", k -> "new"), pool);

    try {
      assertThat(after.get(10, TimeUnit.SECONDS)).as("read-your-writes").isEqualTo("new");
    } finally {
      stale.release.countDown();
    }
    assertThat(first.get(10, TimeUnit.SECONDS)).isEqualTo("old");
    assertThat(cache.getIfPresent("k")).as("the stale load is not stored").isEqualTo("new");
  }

  @Test
  void anAsyncLookupAfterInvalidateStartsANewLoad() throws Exception {
    LocalCache<String, String> cache = builder().build();
    CompletableFuture<String> hung = new CompletableFuture<>();
    CompletableFuture<String> first = cache.async().get("k", k -> hung).toCompletableFuture();

    cache.invalidate("k");
    CompletableFuture<String> after =
        cache.async().get("k", k -> CompletableFuture.completedFuture("new")).toCompletableFuture();

    assertThat(after.get(10, TimeUnit.SECONDS)).isEqualTo("new");
    hung.complete("old");
    assertThat(first.get(10, TimeUnit.SECONDS)).isEqualTo("old");
    assertThat(cache.getIfPresent("k")).isEqualTo("new");
  }

  @Test
  void aPutDetachesTheLoadInFlightEvenWhenItsValueIsGoneBeforeTheNextLookup() throws Exception {
    LocalCache<String, String> cache = builder().build();
    BlockedLoader stale = new BlockedLoader("old");
    CompletableFuture<String> first =
        CompletableFuture.supplyAsync(() -> cache.get("k", stale), pool);
    assertThat(stale.started.await(10, TimeUnit.SECONDS)).isTrue();

    cache.put("k", "written", Duration.ofSeconds(1));
    ticker.advance(Duration.ofSeconds(2));
    CompletableFuture<String> after =
        CompletableFuture.supplyAsync(() -> cache.get("k", k -> "new"), pool);

    try {
      assertThat(after.get(10, TimeUnit.SECONDS)).isEqualTo("new");
    } finally {
      stale.release.countDown();
    }
    assertThat(first.get(10, TimeUnit.SECONDS)).isEqualTo("old");
    assertThat(cache.getIfPresent("k")).isEqualTo("new");
  }

  @Test
  void aStaleLoadIsNotStoredAfterAPutWhoseValueExpired() throws Exception {
    LocalCache<String, String> cache = builder().build();
    BlockedLoader stale = new BlockedLoader("old");
    CompletableFuture<String> first =
        CompletableFuture.supplyAsync(() -> cache.get("k", stale), pool);
    assertThat(stale.started.await(10, TimeUnit.SECONDS)).isTrue();

    cache.put("k", "written", Duration.ofSeconds(1));
    ticker.advance(Duration.ofSeconds(2));
    stale.release.countDown();

    assertThat(first.get(10, TimeUnit.SECONDS)).isEqualTo("old");
    assertThat(cache.getIfPresent("k")).as("the load started before the put").isNull();
  }

  @Test
  void aRefreshAheadThatReadBeforeAWriteDoesNotPutItsValueBack() throws Exception {
    CountDownLatch refreshing = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    AtomicBoolean refreshDone = new AtomicBoolean();
    CacheLoader<String, String> reloader =
        key -> {
          refreshing.countDown();
          assertThat(release.await(30, TimeUnit.SECONDS)).isTrue();
          return "v1";
        };
    ExecutorService executor = Executors.newSingleThreadExecutor();
    try {
      LocalCache<String, String> cache =
          LocalCache.<String, String>builder()
              .name("refresh")
              .ticker(ticker)
              .executor(executor)
              .ttl(TtlPolicy.of(Duration.ofMinutes(10)))
              .refreshAfterWrite(Duration.ofMinutes(1), reloader)
              .build();
      cache.put("k", "v0");
      ticker.advance(Duration.ofMinutes(2));
      assertThat(cache.getIfPresent("k")).isEqualTo("v0");
      assertThat(refreshing.await(10, TimeUnit.SECONDS)).isTrue();

      cache.put("k", "v2");
      cache.invalidate("k");
      release.countDown();
      executor.submit(() -> refreshDone.set(true)).get(10, TimeUnit.SECONDS);
      cache.cleanUp();

      assertThat(refreshDone).isTrue();
      assertThat(cache.getIfPresent("k")).isNull();
    } finally {
      release.countDown();
      executor.shutdownNow();
    }
  }

  @Test
  void aLoaderThatAsksForItsOwnKeyFailsAtOnceNamingTheCache() throws Exception {
    LocalCache<String, String> cache = builder().build();
    AtomicReference<LocalCache<String, String>> self = new AtomicReference<>(cache);
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
        .hasMessageContaining("'orders'")
        .hasMessageContaining("recursive");
    assertThat(cache.getIfPresent("k")).isNull();
    assertThat(cache.get("k", k -> "fine")).as("the failed load is forgotten").isEqualTo("fine");
  }

  @Test
  void aRecursiveLoadThroughTheAsyncViewAndGetAllFailsToo() throws Exception {
    LocalCache<String, String> cache = builder().build();
    CompletableFuture<String> viaAsync =
        CompletableFuture.supplyAsync(
                () ->
                    cache
                        .async()
                        .get(
                            "k",
                            key -> CompletableFuture.completedFuture(cache.get(key, k -> "inner"))),
                pool)
            .thenCompose(stage -> stage);
    assertThatThrownBy(() -> viaAsync.get(10, TimeUnit.SECONDS))
        .isInstanceOf(ExecutionException.class)
        .cause()
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("recursive");

    CacheLoader<String, String> bulk =
        new CacheLoader<>() {
          @Override
          public String load(String key) {
            return key;
          }

          @Override
          public Map<String, String> loadAll(java.util.Set<? extends String> keys) {
            return Map.of("a", cache.get("b", k -> "inner"));
          }
        };
    CompletableFuture<Throwable> viaGetAll =
        CompletableFuture.supplyAsync(
            () -> {
              try {
                cache.getAll(List.of("a", "b"), bulk);
                return null;
              } catch (Throwable t) {
                return t;
              }
            },
            pool);
    assertThat(viaGetAll.get(10, TimeUnit.SECONDS))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("recursive");
    assertThat(cache.get("b", k -> "later")).isEqualTo("later");
  }

  @Test
  void aLoaderMayLoadOtherKeysOfTheSameCache() {
    LocalCache<String, String> cache = builder().build();
    String value = cache.get("a", key -> "a+" + cache.get("b", k -> "b"));
    assertThat(value).isEqualTo("a+b");
    assertThat(cache.getIfPresent("b")).isEqualTo("b");
    assertThat(cache.getIfPresent("a")).isEqualTo("a+b");
  }

  @Test
  void aWaiterThatIsInterruptedStopsWaitingAndTheLoadGoesOn() throws Exception {
    LocalCache<String, String> cache = builder().build();
    BlockedLoader loader = new BlockedLoader("value");
    CompletableFuture<String> leader =
        CompletableFuture.supplyAsync(() -> cache.get("k", loader), pool);
    assertThat(loader.started.await(10, TimeUnit.SECONDS)).isTrue();

    AtomicReference<Throwable> waiterFailure = new AtomicReference<>();
    AtomicBoolean flagAfter = new AtomicBoolean();
    CountDownLatch waiterDone = new CountDownLatch(1);
    Thread waiter =
        new Thread(
            () -> {
              try {
                cache.get("k", k -> "never");
              } catch (Throwable t) {
                waiterFailure.set(t);
              } finally {
                flagAfter.set(Thread.currentThread().isInterrupted());
                waiterDone.countDown();
              }
            });
    waiter.start();
    org.awaitility.Awaitility.await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> waiter.getState() == Thread.State.WAITING);
    waiter.interrupt();

    try {
      assertThat(waiterDone.await(10, TimeUnit.SECONDS)).as("the waiter gave up").isTrue();
    } finally {
      loader.release.countDown();
    }
    assertThat(waiterFailure.get())
        .isInstanceOf(CacheLoadException.class)
        .hasMessageContaining("'orders'")
        .hasMessageContaining("interrupted")
        .hasCauseInstanceOf(InterruptedException.class);
    assertThat(flagAfter).as("the interrupt flag stays set").isTrue();
    assertThat(leader.get(10, TimeUnit.SECONDS)).isEqualTo("value");
    assertThat(cache.getIfPresent("k")).isEqualTo("value");
    assertThat(loader.calls).hasValue(1);
  }

  @Test
  void aTtlOverThreeHundredYearsWithJitterDoesNotMakePutsThrow() {
    Duration thousandYears = Duration.ofDays(365L * 1000);
    LocalCache<String, String> cache =
        builder()
            .ttl(
                TtlPolicy.builder()
                    .defaultTtl(thousandYears)
                    .jitter(0.1)
                    .negativeTtl(thousandYears)
                    .build())
            .build();

    cache.put("a", "1");
    cache.put("b", "2", thousandYears);
    assertThat(cache.get("c", k -> null)).isNull();
    ticker.advance(Duration.ofDays(365L * 100));
    assertThat(cache.getIfPresent("a")).isEqualTo("1");
    assertThat(cache.getIfPresent("b")).isEqualTo("2");
  }

  @Test
  void aWriteToOneKeyDoesNotDiscardAConcurrentFillOfAnother() throws Exception {
    LocalCache<String, String> cache = builder().build();
    BlockedLoader loaderOfB = new BlockedLoader("b-value");
    CompletableFuture<String> fillOfB =
        CompletableFuture.supplyAsync(() -> cache.get("b", loaderOfB), pool);
    assertThat(loaderOfB.started.await(10, TimeUnit.SECONDS)).isTrue();

    cache.put("a", "1");
    cache.invalidate("a");
    cache.invalidateAll(List.of("a", "c"));
    loaderOfB.release.countDown();

    assertThat(fillOfB.get(10, TimeUnit.SECONDS)).isEqualTo("b-value");
    assertThat(cache.getIfPresent("b")).as("the fill of b landed").isEqualTo("b-value");
  }
}
