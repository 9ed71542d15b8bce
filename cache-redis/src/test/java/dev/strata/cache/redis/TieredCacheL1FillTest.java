package dev.strata.cache.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.strata.cache.Cache;
import dev.strata.cache.KeyCodec;
import dev.strata.cache.local.LocalCache;
import dev.strata.cache.spi.ForwardingCache;
import dev.strata.cache.spi.InvalidationStamps;
import dev.strata.testsupport.RedisServer;
import dev.strata.testsupport.WithRedis;
import io.lettuce.core.AbstractRedisClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.TestInstance;

/**
 * What a {@link TieredCache} copies into its L1 once it has applied another node's invalidation:
 * two nodes, each with its own Redis client, bus, L1 and {@link RedisCache} L2. A value fetched
 * from Redis (or loaded) before the invalidation arrived never enters L1 after it, a lookup after
 * it does not join the load that started before it, and an invalidation of one key does not keep
 * any other key out of L1.
 */
@WithRedis
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TieredCacheL1FillTest {

  private static final Duration PATIENCE = Duration.ofSeconds(20);

  private SingleRedisDeployment deployment;
  private final List<AutoCloseable> closeables = new ArrayList<>();
  private String cacheName = "cache";

  @BeforeAll
  void startRedis(RedisServer redis) {
    deployment = new SingleRedisDeployment(redis);
  }

  @AfterAll
  void closeClients() {
    if (deployment != null) {
      deployment.close();
    }
  }

  @AfterEach
  void closeNodes() throws Exception {
    for (int i = closeables.size() - 1; i >= 0; i--) {
      closeables.get(i).close();
    }
    closeables.clear();
  }

  @org.junit.jupiter.api.BeforeEach
  void nameTheCache(TestInfo info) {
    cacheName = "l1fill-" + info.getTestMethod().orElseThrow().getName();
  }

  /** An L2 whose {@code getIfPresent} of one key holds its answer until the test opens a gate. */
  static final class GatedL2 extends ForwardingCache<String, String> {
    final CountDownLatch answered = new CountDownLatch(1);
    final CountDownLatch gate = new CountDownLatch(1);
    volatile @Nullable String gatedKey;

    GatedL2(Cache<String, String> delegate) {
      super(delegate, Runnable::run);
    }

    @Override
    public @Nullable String getIfPresent(String key) {
      String value = super.getIfPresent(key);
      if (key.equals(gatedKey)) {
        answered.countDown();
        awaitLatch(gate);
      }
      return value;
    }
  }

  final class Node {
    final RedisInvalidationBus bus;
    final LocalCache<String, String> l1;
    final GatedL2 l2;
    final TieredCache<String, String> cache;

    Node(String nodeId) {
      AbstractRedisClient client = deployment.client();
      bus = track(RedisDeployment.busOn(client).nodeId(nodeId).build());
      l1 = LocalCache.<String, String>builder().name(cacheName + "-l1-" + nodeId).build();
      l2 = new GatedL2(track(RedisDeployment.redisCacheOn(client).name(cacheName).build()));
      cache =
          track(
              TieredCache.builder(l1, l2)
                  .name(cacheName)
                  .bus(bus)
                  .keyCodec(KeyCodec.string())
                  .l1Ttl(Duration.ofMinutes(5))
                  .build());
    }

    /** Waits until the events published by {@code peer} so far have all been applied here. */
    void awaitAppliedAllOf(Node peer) {
      await().atMost(PATIENCE).until(() -> bus.receivedCount() >= peer.bus.sentCount());
    }
  }

  private <T extends AutoCloseable> T track(T closeable) {
    closeables.add(closeable);
    return closeable;
  }

  static void awaitLatch(CountDownLatch latch) {
    try {
      if (!latch.await(PATIENCE.toSeconds(), TimeUnit.SECONDS)) {
        throw new IllegalStateException("latch not released in time");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  @Test
  void aRedisValueFetchedBeforeAnAppliedInvalidationDoesNotEnterL1() throws Exception {
    Node a = new Node("a");
    Node b = new Node("b");
    a.cache.put("k", "v1");
    b.awaitAppliedAllOf(a);
    b.l2.gatedKey = "k";

    CompletableFuture<String> fetch =
        CompletableFuture.supplyAsync(() -> b.cache.getIfPresent("k"));
    awaitLatch(b.l2.answered); // B has read v1 from Redis, not yet copied it into L1
    a.cache.invalidate("k"); // tombstone in Redis, then the event
    b.awaitAppliedAllOf(a);
    b.l2.gate.countDown();

    assertThat(fetch.get(20, TimeUnit.SECONDS))
        .as("served to the caller in flight")
        .isEqualTo("v1");
    assertThat(b.l1.getIfPresent("k")).as("B's L1 after it applied the invalidation").isNull();
    b.l2.gatedKey = null;
    assertThat(b.cache.getIfPresent("k")).as("Redis holds the tombstone").isNull();
    a.cache.put("k", "v2");
    b.awaitAppliedAllOf(a);
    assertThat(b.cache.getIfPresent("k")).isEqualTo("v2");
    assertThat(b.l1.getIfPresent("k")).isEqualTo("v2");
  }

  @Test
  void aLoadThatAnAppliedInvalidationOvertookDoesNotEnterL1() throws Exception {
    Node a = new Node("a");
    Node b = new Node("b");
    AtomicReference<String> database = new AtomicReference<>("v1");
    CountDownLatch loading = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);

    CompletableFuture<String> first =
        CompletableFuture.supplyAsync(
            () ->
                b.cache.get(
                    "k",
                    key -> {
                      String read = database.get();
                      loading.countDown();
                      awaitLatch(release);
                      return read;
                    }));
    awaitLatch(loading); // B's load read v1 and is about to return it
    database.set("v2");
    a.cache.invalidate("k");
    b.awaitAppliedAllOf(a);
    release.countDown();

    assertThat(first.get(20, TimeUnit.SECONDS))
        .as("served to the caller in flight")
        .isEqualTo("v1");
    assertThat(b.l1.getIfPresent("k")).as("B's L1 after it applied the invalidation").isNull();
    assertThat(b.cache.get("k", key -> database.get())).isEqualTo("v2");
    assertThat(b.l1.getIfPresent("k")).isEqualTo("v2");
  }

  @Test
  void anInvalidationOfOneKeyDoesNotKeepAnotherKeyOutOfL1() throws Exception {
    Node a = new Node("a");
    Node b = new Node("b");
    String other = sameStripeAs("k");
    a.cache.put(other, "o1");
    a.cache.put("k", "v1");
    b.awaitAppliedAllOf(a);
    b.l2.gatedKey = other;

    CompletableFuture<String> fetch =
        CompletableFuture.supplyAsync(() -> b.cache.getIfPresent(other));
    awaitLatch(b.l2.answered);
    a.cache.invalidate("k"); // a key whose hash shares a stripe with the fetched one
    b.awaitAppliedAllOf(a);
    b.l2.gate.countDown();

    assertThat(fetch.get(20, TimeUnit.SECONDS)).isEqualTo("o1");
    assertThat(b.l1.getIfPresent(other)).as("the other key's fill").isEqualTo("o1");
  }

  /** A key other than {@code key} that {@link InvalidationStamps} puts in the same stripe. */
  private static String sameStripeAs(String key) {
    int target = stripe(key);
    for (int i = 0; ; i++) {
      String candidate = "other" + i;
      if (stripe(candidate) == target) {
        return candidate;
      }
    }
  }

  private static int stripe(String key) {
    int h = key.hashCode();
    return (h ^ (h >>> 16)) & (InvalidationStamps.DEFAULT_STRIPES - 1);
  }
}
