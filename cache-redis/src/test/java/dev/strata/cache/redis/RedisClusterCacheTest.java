package dev.strata.cache.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.strata.cache.Cache;
import dev.strata.cache.TtlPolicy;
import dev.strata.cache.contract.CacheContractTest;
import dev.strata.testsupport.RedisCluster;
import dev.strata.testsupport.RedisClusterConfig;
import dev.strata.testsupport.RedisClusterNode;
import dev.strata.testsupport.WithRedisCluster;
import io.lettuce.core.RedisURI;
import io.lettuce.core.cluster.ClusterClientOptions;
import io.lettuce.core.cluster.ClusterTopologyRefreshOptions;
import io.lettuce.core.cluster.RedisClusterClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The same contract as on one Redis, on a real local Redis Cluster of 3 masters (each with a
 * replica), plus what only a cluster has: bulk operations across slots, a slot migration and
 * failovers while callers keep reading.
 */
@WithRedisCluster
@RedisClusterConfig(masters = 3, replicasPerMaster = 1)
class RedisClusterCacheTest extends CacheContractTest {

  private static final Duration PATIENCE = Duration.ofSeconds(30);

  private static RedisClusterClient client;
  private RedisCluster cluster;

  @BeforeAll
  static void connect(RedisCluster cluster) {
    client =
        RedisClusterClient.create(
            cluster.seedUris().stream().map(RedisURI::create).collect(Collectors.toList()));
    client.setOptions(
        ClusterClientOptions.builder()
            .topologyRefreshOptions(
                ClusterTopologyRefreshOptions.builder()
                    .enablePeriodicRefresh(Duration.ofSeconds(5))
                    .enableAllAdaptiveRefreshTriggers()
                    .build())
            .build());
  }

  @AfterAll
  static void disconnect() {
    client.shutdown(0, 2, TimeUnit.SECONDS);
  }

  @BeforeEach
  void refreshTopology(RedisCluster cluster) {
    this.cluster = cluster;
    // an earlier fault test may have made the extension rebuild the cluster (new node ids)
    client.refreshPartitions();
  }

  @Override
  protected Cache<String, String> newCache(String name, TtlPolicy ttl) {
    return RedisCache.builder(client)
        .name(name)
        .ttl(ttl)
        .commandTimeout(Duration.ofSeconds(5))
        .build();
  }

  private static RedisCache<String, String> sharedClientCache(String name) {
    return RedisCache.builder(client).name(name).commandTimeout(Duration.ofSeconds(5)).build();
  }

  /** A cache that owns a client made the way {@link RedisCache#clusterBuilder} makes it. */
  private RedisCache<String, String> ownedCache(String name) {
    return RedisCache.clusterBuilder(cluster.seedUris())
        .name(name)
        .commandTimeout(Duration.ofMillis(500))
        .build();
  }

  private Set<RedisClusterNode> mastersOf(String cacheName, Set<String> keys) {
    return keys.stream()
        .map(k -> cluster.nodeForSlot(RedisCluster.slotOf("strata:c:" + cacheName + ":" + k)))
        .collect(Collectors.toSet());
  }

  private static Map<String, String> entries(int count) {
    Map<String, String> entries = new HashMap<>();
    IntStream.range(0, count).forEach(i -> entries.put("key-" + i, "value-" + i));
    return entries;
  }

  @Test
  void bulkOperationsSpanEverySlotAndEveryMaster() {
    try (RedisCache<String, String> cache = sharedClientCache("bulk")) {
      Map<String, String> entries = entries(100);
      assertThat(mastersOf("bulk", entries.keySet())).hasSize(3);

      cache.putAll(entries);

      assertThat(cache.getAllPresent(entries.keySet())).isEqualTo(entries);
      List<String> withMissing = new ArrayList<>(entries.keySet());
      withMissing.add("absent-1");
      withMissing.add("absent-2");
      assertThat(cache.getAll(withMissing, key -> key.startsWith("absent") ? "loaded" : null))
          .hasSize(102)
          .containsEntry("absent-2", "loaded");
      cache.invalidateAll(List.of("key-1", "key-2", "key-3"));
      assertThat(cache.getAllPresent(entries.keySet())).hasSize(97);
      cache.invalidateAll();
      assertThat(cache.getAllPresent(withMissing)).isEmpty();
      assertThat(cache.redisStats().degradedCalls()).isZero();
    }
  }

  @Test
  void asyncBulkGetSpansEverySlot() throws Exception {
    try (RedisCache<String, String> cache = sharedClientCache("async-bulk")) {
      Map<String, String> entries = entries(50);
      cache.async().putAll(entries).toCompletableFuture().get(10, TimeUnit.SECONDS);

      assertThat(
              cache
                  .async()
                  .getAllPresent(entries.keySet())
                  .toCompletableFuture()
                  .get(10, TimeUnit.SECONDS))
          .isEqualTo(entries);
    }
  }

  @Test
  void aSlotMigrationIsFollowedWithoutErrorsReachingCallers() throws Exception {
    try (RedisCache<String, String> cache = ownedCache("migrating")) {
      Map<String, String> entries = entries(20);
      cache.putAll(entries);
      int slot = RedisCluster.slotOf("strata:c:migrating:key-0");
      RedisClusterNode from = cluster.nodeForSlot(slot);
      RedisClusterNode to =
          cluster.masters().stream().filter(m -> !m.equals(from)).findFirst().orElseThrow();

      try (Readers readers = new Readers(cache, entries)) {
        cluster.migrateSlot(slot, from, to);
        await().atMost(PATIENCE).until(() -> readers.reads.get() > 50);
        assertThat(readers.errors).isEmpty();
        assertThat(readers.wrongValues).isEmpty();
      }

      assertThat(cluster.nodeForSlot(slot)).isEqualTo(to);
      await().atMost(PATIENCE).until(() -> "value-0".equals(cache.getIfPresent("key-0")));
      cache.put("key-0", "after");
      assertThat(cache.getIfPresent("key-0")).isEqualTo("after");
    }
  }

  @Test
  void failoversPromoteReplicasWithoutErrorsReachingCallers() throws Exception {
    try (RedisCache<String, String> cache = ownedCache("failing-over")) {
      Map<String, String> entries = entries(30);
      cache.putAll(entries);
      cluster.awaitStable();

      try (Readers readers = new Readers(cache, entries)) {
        cluster.failover(0);
        RedisClusterNode killed = cluster.killMaster(1);
        cluster.failover(killed);
        long readsAfter = readers.reads.get();
        await().atMost(PATIENCE).until(() -> readers.reads.get() > readsAfter + 50);
        assertThat(readers.errors).isEmpty();
        assertThat(readers.wrongValues).isEmpty();
      }

      await()
          .atMost(PATIENCE)
          .untilAsserted(
              () -> {
                Map<String, String> fresh = entries(30);
                fresh.replaceAll((k, v) -> v + "-new");
                cache.putAll(fresh);
                assertThat(cache.getAllPresent(fresh.keySet())).isEqualTo(fresh);
              });
    }
  }

  /** Threads that read and load the entries in a loop, recording any exception or wrong value. */
  private static final class Readers implements AutoCloseable {
    final AtomicLong reads = new AtomicLong();
    final ConcurrentLinkedQueue<Throwable> errors = new ConcurrentLinkedQueue<>();
    final ConcurrentLinkedQueue<String> wrongValues = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final List<Thread> threads = new ArrayList<>();

    Readers(RedisCache<String, String> cache, Map<String, String> entries) {
      List<String> keys = new ArrayList<>(entries.keySet());
      Set<String> keySet = new HashSet<>(keys);
      for (int t = 0; t < 2; t++) {
        int offset = t;
        Thread thread =
            new Thread(
                () -> {
                  int i = offset;
                  while (running.get()) {
                    String key = keys.get(i++ % keys.size());
                    try {
                      String value = cache.get(key, entries::get);
                      if (!entries.get(key).equals(value)) {
                        wrongValues.add(key + "=" + value);
                      }
                      Map<String, String> bulk = cache.getAllPresent(keySet);
                      bulk.forEach(
                          (k, v) -> {
                            if (!entries.get(k).equals(v)) {
                              wrongValues.add(k + "=" + v);
                            }
                          });
                      reads.incrementAndGet();
                    } catch (Throwable e) {
                      errors.add(e);
                    }
                  }
                },
                "cluster-reader-" + t);
        thread.setDaemon(true);
        thread.start();
        threads.add(thread);
      }
    }

    @Override
    public void close() throws InterruptedException {
      running.set(false);
      for (Thread thread : threads) {
        thread.join(TimeUnit.SECONDS.toMillis(30));
      }
    }
  }
}
