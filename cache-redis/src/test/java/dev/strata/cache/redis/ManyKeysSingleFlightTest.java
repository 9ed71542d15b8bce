package dev.strata.cache.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.strata.cache.CacheLoader;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One database load per key across nodes, with many keys: 1,000 concurrent misses spread over 100
 * keys from 4 nodes (each its own Lettuce client and cache) cause exactly 100 loads, through the
 * blocking {@code get}, the asynchronous {@code get} (no thread parked per waiter: every call is
 * issued from one thread) and the bulk {@code getAll} in both forms.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class ManyKeysSingleFlightTest {

  private static final Logger LOG = LoggerFactory.getLogger(ManyKeysSingleFlightTest.class);

  private static final int NODES = 4;
  private static final int MISSES = 1000;
  private static final int KEYS = 100;

  /** How long a simulated database read takes, so that misses on a key overlap. */
  private static final long LOAD_MILLIS = 20;

  private final List<RedisCache<String, String>> nodes = new ArrayList<>();
  private final Map<String, AtomicInteger> loadsPerKey = new ConcurrentHashMap<>();
  private static final AtomicInteger RUN = new AtomicInteger();
  private String cacheName;

  protected abstract RedisDeployment deployment();

  @BeforeEach
  void startNodes() {
    cacheName = "many-" + RUN.incrementAndGet();
    for (int i = 0; i < NODES; i++) {
      nodes.add(
          RedisDeployment.redisCacheOn(deployment().client())
              .name(cacheName)
              .commandTimeout(Duration.ofSeconds(5))
              .leaseDuration(Duration.ofSeconds(30))
              .leaseMaxWait(Duration.ofSeconds(20))
              .build());
    }
  }

  @AfterEach
  void stopNodes() {
    nodes.forEach(RedisCache::close);
    nodes.clear();
    loadsPerKey.clear();
  }

  private static String key(int miss) {
    return "k" + (miss % KEYS);
  }

  private String load(String key) {
    loadsPerKey.computeIfAbsent(key, k -> new AtomicInteger()).incrementAndGet();
    try {
      Thread.sleep(LOAD_MILLIS); // the database read
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return "value-of-" + key;
  }

  private CompletionStage<String> loadAsync(String key) {
    loadsPerKey.computeIfAbsent(key, k -> new AtomicInteger()).incrementAndGet();
    return CompletableFuture.supplyAsync(
        () -> "value-of-" + key,
        CompletableFuture.delayedExecutor(LOAD_MILLIS, TimeUnit.MILLISECONDS));
  }

  private void assertOneLoadPerKey() {
    LOG.info(
        "{}: {} loads for {} keys; leases granted={} waited={} waitsTimedOut={} expired={}",
        getClass().getSimpleName(),
        loadsPerKey.values().stream().mapToInt(AtomicInteger::get).sum(),
        loadsPerKey.size(),
        nodes.stream().mapToLong(n -> n.leaseStats().granted()).sum(),
        waited(),
        nodes.stream().mapToLong(n -> n.leaseStats().waitsTimedOut()).sum(),
        nodes.stream().mapToLong(n -> n.leaseStats().expired()).sum());
    assertThat(loadsPerKey).as("keys loaded").hasSize(KEYS);
    assertThat(loadsPerKey.values().stream().mapToInt(AtomicInteger::get).sum())
        .as("database loads (one per key)")
        .isEqualTo(KEYS);
    assertThat(nodes.stream().mapToLong(n -> n.leaseStats().waitsTimedOut()).sum()).isZero();
    assertThat(nodes.stream().mapToLong(n -> n.leaseStats().granted()).sum()).isEqualTo(KEYS);
    assertThat(nodes.stream().mapToLong(n -> n.leaseStats().fillsLanded()).sum()).isEqualTo(KEYS);
  }

  private long waited() {
    return nodes.stream().mapToLong(n -> n.leaseStats().waited()).sum();
  }

  @Test
  void blockingGets() throws Exception {
    CountDownLatch start = new CountDownLatch(1);
    ExecutorService callers = Executors.newFixedThreadPool(64);
    try {
      List<Future<String>> results = new ArrayList<>();
      for (int i = 0; i < MISSES; i++) {
        RedisCache<String, String> node = nodes.get((i / KEYS) % NODES);
        String key = key(i);
        results.add(
            callers.submit(
                () -> {
                  start.await();
                  return node.get(key, this::load);
                }));
      }
      start.countDown();
      for (int i = 0; i < MISSES; i++) {
        assertThat(results.get(i).get(60, TimeUnit.SECONDS)).isEqualTo("value-of-" + key(i));
      }
    } finally {
      callers.shutdownNow();
    }
    assertOneLoadPerKey();
    assertThat(waited()).as("misses that waited for another node's fill").isPositive();
  }

  @Test
  void asynchronousGets() throws Exception {
    List<CompletableFuture<String>> results = new ArrayList<>();
    for (int i = 0; i < MISSES; i++) {
      results.add(
          nodes.get((i / KEYS) % NODES).async().get(key(i), this::loadAsync).toCompletableFuture());
    }
    for (int i = 0; i < MISSES; i++) {
      assertThat(results.get(i).get(60, TimeUnit.SECONDS)).isEqualTo("value-of-" + key(i));
    }
    assertOneLoadPerKey();
    assertThat(waited()).as("misses that waited for another node's fill").isPositive();
  }

  /** 40 bulk reads of 25 keys each (1,000 lookups), each over a different window of the keys. */
  private static List<Set<String>> bulkRequests() {
    List<Set<String>> requests = new ArrayList<>();
    for (int r = 0; r < MISSES / 25; r++) {
      Set<String> keys = new LinkedHashSet<>();
      for (int j = 0; j < 25; j++) {
        keys.add(key(r * 7 + j * 4));
      }
      requests.add(keys);
    }
    return requests;
  }

  private Map<String, String> expected(Set<String> keys) {
    Map<String, String> expected = new HashMap<>();
    keys.forEach(k -> expected.put(k, "value-of-" + k));
    return expected;
  }

  @Test
  void bulkGets() throws Exception {
    List<Set<String>> requests = bulkRequests();
    CountDownLatch start = new CountDownLatch(1);
    ExecutorService callers = Executors.newFixedThreadPool(16);
    try {
      List<Future<Map<String, String>>> results = new ArrayList<>();
      for (int r = 0; r < requests.size(); r++) {
        RedisCache<String, String> node = nodes.get(r % NODES);
        Set<String> keys = requests.get(r);
        results.add(
            callers.submit(
                () -> {
                  start.await();
                  return node.getAll(
                      keys,
                      new CacheLoader<String, String>() {
                        @Override
                        public String load(String key) {
                          return ManyKeysSingleFlightTest.this.load(key);
                        }

                        @Override
                        public Map<String, String> loadAll(Set<? extends String> wanted) {
                          Map<String, String> loaded = new HashMap<>();
                          wanted.forEach(k -> loaded.put(k, load(k)));
                          return loaded;
                        }
                      });
                }));
      }
      start.countDown();
      for (int r = 0; r < requests.size(); r++) {
        assertThat(results.get(r).get(60, TimeUnit.SECONDS)).isEqualTo(expected(requests.get(r)));
      }
    } finally {
      callers.shutdownNow();
    }
    assertOneLoadPerKey();
  }

  @Test
  void asynchronousBulkGets() throws Exception {
    List<Set<String>> requests = bulkRequests();
    List<CompletableFuture<Map<String, String>>> results = new ArrayList<>();
    for (int r = 0; r < requests.size(); r++) {
      results.add(
          nodes
              .get(r % NODES)
              .async()
              .getAll(
                  requests.get(r),
                  wanted -> {
                    Map<String, String> loaded = new ConcurrentHashMap<>();
                    List<CompletableFuture<String>> each = new ArrayList<>();
                    for (String k : wanted) {
                      each.add(loadAsync(k).toCompletableFuture().thenApply(v -> loaded.put(k, v)));
                    }
                    return CompletableFuture.allOf(each.toArray(new CompletableFuture<?>[0]))
                        .thenApply(done -> loaded);
                  })
              .toCompletableFuture());
    }
    for (int r = 0; r < requests.size(); r++) {
      assertThat(results.get(r).get(60, TimeUnit.SECONDS)).isEqualTo(expected(requests.get(r)));
    }
    assertOneLoadPerKey();
  }
}
