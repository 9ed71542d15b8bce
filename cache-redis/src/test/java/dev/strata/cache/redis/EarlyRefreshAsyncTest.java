package dev.strata.cache.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.strata.cache.TtlPolicy;
import dev.strata.testsupport.RedisServer;
import dev.strata.testsupport.WithRedis;
import io.lettuce.core.RedisClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Probabilistic early refresh through the asynchronous view: a hot key read continuously by four
 * nodes with {@code async().get(key, loader)} never misses across its expiries, each entry is
 * reloaded exactly once, by one node, before it expires, and a read that triggers a refresh is
 * served the current value without waiting for the load.
 */
@WithRedis
class EarlyRefreshAsyncTest {

  private static final Logger LOG = LoggerFactory.getLogger(EarlyRefreshAsyncTest.class);

  private static final Duration TTL = Duration.ofSeconds(2);

  /** Completes the loads 30 ms after they start: the database read, off the caller's thread. */
  private static final Executor DATABASE =
      CompletableFuture.delayedExecutor(30, TimeUnit.MILLISECONDS);

  private RedisServer redis;
  private final List<RedisClient> clients = new ArrayList<>();
  private final List<RedisCache<String, String>> caches = new ArrayList<>();

  @BeforeEach
  void setUp(RedisServer redis) {
    this.redis = redis;
  }

  @AfterEach
  void tearDown() {
    caches.forEach(RedisCache::close);
    clients.forEach(c -> c.shutdown(0, 2, TimeUnit.SECONDS));
  }

  private RedisCache<String, String> node(String name, double beta) {
    RedisClient client = RedisClient.create(redis.uri());
    clients.add(client);
    RedisCache<String, String> cache =
        RedisCache.builder(client)
            .name(name)
            .commandTimeout(Duration.ofSeconds(5))
            .ttl(TtlPolicy.builder().defaultTtl(TTL).build())
            .earlyRefresh(beta)
            .build();
    caches.add(cache);
    return cache;
  }

  @Test
  void aHotKeyReadAsynchronouslyNeverMissesAcrossItsExpiriesAndEachEntryIsReloadedOnce()
      throws Exception {
    List<RedisCache<String, String>> nodes = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      nodes.add(node("hot-async", 2.0));
    }
    AtomicInteger loads = new AtomicInteger();
    Function<String, CompletionStage<String>> loader =
        key -> {
          int n = loads.incrementAndGet();
          return CompletableFuture.supplyAsync(() -> "v" + n, DATABASE);
        };
    assertThat(
            nodes.get(0).async().get("hot", loader).toCompletableFuture().get(10, TimeUnit.SECONDS))
        .isEqualTo("v1");
    long missesBefore = nodes.stream().mapToLong(n -> n.stats().missCount()).sum();

    AtomicBoolean stop = new AtomicBoolean();
    Set<String> served = ConcurrentHashMap.newKeySet();
    AtomicInteger nulls = new AtomicInteger();
    List<Thread> readers = new ArrayList<>();
    for (RedisCache<String, String> node : nodes) {
      Thread reader =
          new Thread(
              () -> {
                while (!stop.get()) {
                  String value = node.async().get("hot", loader).toCompletableFuture().join();
                  if (value == null) {
                    nulls.incrementAndGet();
                  } else {
                    served.add(value);
                  }
                }
              });
      reader.start();
      readers.add(reader);
    }
    try {
      // three expiries of the entry
      await().atMost(Duration.ofSeconds(60)).until(() -> loads.get() >= 4);
      // the fourth load's value lands (or the test times out)
      await().atMost(Duration.ofSeconds(10)).until(() -> served.contains("v4"));
    } finally {
      stop.set(true);
      for (Thread reader : readers) {
        reader.join(10_000);
      }
    }

    long misses = nodes.stream().mapToLong(n -> n.stats().missCount()).sum() - missesBefore;
    long refreshes = nodes.stream().mapToLong(n -> n.leaseStats().earlyRefreshes()).sum();
    long landed = nodes.stream().mapToLong(n -> n.earlyRefresh.refreshesLanded()).sum();
    LOG.info(
        "async early refresh: {} reads, {} loads, {} misses after the first load, {} refreshes,"
            + " {} landed",
        nodes.stream().mapToLong(n -> n.stats().hitCount()).sum(),
        loads.get(),
        misses,
        refreshes,
        landed);
    assertThat(misses).as("misses of the hot key across its expiries").isZero();
    assertThat(nulls).hasValue(0);
    assertThat(refreshes)
        .as("every reload after the first was an early refresh")
        .isEqualTo(loads.get() - 1);
    assertThat(landed)
        .as("each refresh landed: one reload per entry, before it expired")
        .isEqualTo(refreshes);
    assertThat(served).as("each entry was replaced once, in order").contains("v1", "v2", "v3");
    assertThat(nodes.stream().mapToLong(n -> n.leaseStats().waited()).sum()).isZero();
  }

  @Test
  void aReadThatRefreshesIsServedTheCurrentValueWithoutWaitingForTheLoad() throws Exception {
    RedisCache<String, String> cache = node("serve-current", 10.0);
    // a slow first load (300 ms) makes the refresh likely on every read of the young entry
    Function<String, CompletionStage<String>> slow =
        key ->
            CompletableFuture.supplyAsync(
                () -> "v1", CompletableFuture.delayedExecutor(300, TimeUnit.MILLISECONDS));
    assertThat(cache.async().get("k", slow).toCompletableFuture().get(10, TimeUnit.SECONDS))
        .isEqualTo("v1");

    CompletableFuture<String> database = new CompletableFuture<>();
    AtomicInteger refreshLoads = new AtomicInteger();
    Function<String, CompletionStage<String>> pending =
        key -> {
          refreshLoads.incrementAndGet();
          return database;
        };
    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () -> {
              String value =
                  cache.async().get("k", pending).toCompletableFuture().get(5, TimeUnit.SECONDS);
              assertThat(value).isEqualTo("v1");
              return refreshLoads.get() > 0;
            });
    for (int i = 0; i < 50; i++) {
      assertThat(cache.async().get("k", pending).toCompletableFuture().get(5, TimeUnit.SECONDS))
          .as("served while the refresh load is pending")
          .isEqualTo("v1");
    }
    assertThat(refreshLoads).as("one refresh per entry").hasValue(1);
    assertThat(cache.stats().missCount()).isEqualTo(1);

    database.complete("v2");
    await().atMost(Duration.ofSeconds(10)).until(() -> "v2".equals(cache.getIfPresent("k")));
    assertThat(cache.earlyRefresh.refreshesLanded()).isEqualTo(1);
  }
}
