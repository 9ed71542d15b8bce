package dev.strata.cache.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.strata.cache.CacheLoader;
import dev.strata.cache.TtlPolicy;
import dev.strata.cache.redis.internal.StoredValueFormat;
import dev.strata.testsupport.RedisServer;
import dev.strata.testsupport.WithRedis;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.codec.ByteArrayCodec;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Leases and version-checked fills, between two nodes (each its own client and cache): a fill whose
 * load was overtaken by an invalidation, a put or a delete does not land; a negative fill never
 * overwrites a value; a put that cannot be written removes the old value or fails.
 */
@WithRedis
class LeasedFillTest {

  private RedisServer redis;
  private RedisClient clientA;
  private RedisClient clientB;
  private RedisCache<String, String> a;
  private RedisCache<String, String> b;
  private StatefulRedisConnection<byte[], byte[]> raw;
  private RedisCommands<byte[], byte[]> rawCommands;

  @BeforeEach
  void setUp(RedisServer redis) {
    this.redis = redis;
    clientA = RedisClient.create(redis.uri());
    clientB = RedisClient.create(redis.uri());
    a = node(clientA);
    b = node(clientB);
    raw = RedisClient.create(redis.uri()).connect(ByteArrayCodec.INSTANCE);
    rawCommands = raw.sync();
  }

  private static RedisCache<String, String> node(RedisClient client) {
    return RedisCache.builder(client)
        .name("leased")
        .commandTimeout(Duration.ofSeconds(5))
        .ttl(TtlPolicy.builder().negativeTtl(Duration.ofMinutes(1)).build())
        .build();
  }

  @AfterEach
  void tearDown() {
    a.close();
    b.close();
    raw.close();
    clientA.shutdown(0, 2, TimeUnit.SECONDS);
    clientB.shutdown(0, 2, TimeUnit.SECONDS);
  }

  private byte @Nullable [] stored(String key) {
    return rawCommands.get(("strata:c:leased:" + key).getBytes(StandardCharsets.UTF_8));
  }

  private StoredValueFormat.Kind kind(String key) {
    byte[] stored = stored(key);
    assertThat(stored).as("stored bytes of %s", key).isNotNull();
    return StoredValueFormat.kindOf(stored);
  }

  /**
   * Starts a load of {@code key} on node A that returns {@code loaded}, runs {@code meanwhile} on
   * node B while the load is between its database read and its fill, and returns what A's caller
   * got.
   */
  private @Nullable String overtake(
      String key, @Nullable String loaded, Consumer<RedisCache<String, String>> meanwhile)
      throws Exception {
    CountDownLatch loading = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    CompletableFuture<@Nullable String> caller =
        CompletableFuture.supplyAsync(
            () ->
                a.get(
                    key,
                    k -> {
                      loading.countDown();
                      release.await();
                      return loaded;
                    }));
    assertThat(loading.await(10, TimeUnit.SECONDS)).isTrue();
    assertThat(kind(key))
        .as("the loading node holds the lease")
        .isEqualTo(StoredValueFormat.Kind.LEASE);
    meanwhile.accept(b);
    release.countDown();
    return caller.get(10, TimeUnit.SECONDS);
  }

  @Test
  void aFillWithoutRaceLandsAndIsServedToTheOtherNode() {
    assertThat(a.get("k", k -> "v1")).isEqualTo("v1");

    assertThat(b.getIfPresent("k")).isEqualTo("v1");
    assertThat(kind("k")).isEqualTo(StoredValueFormat.Kind.VALUE);
  }

  @Test
  void aFillOvertakenByAnInvalidationOnAnotherNodeDoesNotLand() throws Exception {
    String got = overtake("k", "old", other -> other.invalidate("k"));

    assertThat(got).as("the loading caller still gets its value").isEqualTo("old");
    assertThat(kind("k")).isEqualTo(StoredValueFormat.Kind.TOMBSTONE);
    assertThat(a.leaseStats().fillsRejectedAsStale()).isEqualTo(1);
    assertThat(b.getIfPresent("k")).isNull();
    assertThat(b.get("k", k -> "new")).isEqualTo("new");
    assertThat(a.getIfPresent("k")).isEqualTo("new");
  }

  @Test
  void aFillNeverOverwritesAPutOfAnotherNode() throws Exception {
    overtake("k", "old", other -> other.put("k", "newer"));

    assertThat(a.getIfPresent("k")).isEqualTo("newer");
  }

  @Test
  void aNegativeFillNeverOverwritesAValue() throws Exception {
    String got = overtake("k", null, other -> other.put("k", "inserted"));

    assertThat(got).isNull();
    assertThat(b.getIfPresent("k")).isEqualTo("inserted");
  }

  @Test
  void aFillOvertakenByAnInvalidationOfSeveralKeysDoesNotLand() throws Exception {
    overtake("k", "old", other -> other.invalidateAll(List.of("x", "k")));

    assertThat(b.getIfPresent("k")).isNull();
  }

  @Test
  void aMissWhileAnotherNodeHoldsTheLeaseWaitsBoundedThenLoadsWithoutFilling() throws Exception {
    String got =
        overtake(
            "k", "from-a", other -> assertThat(other.get("k", k -> "from-b")).isEqualTo("from-b"));

    assertThat(got).isEqualTo("from-a");
    assertThat(b.getIfPresent("k")).as("only the lease holder filled").isEqualTo("from-a");
  }

  @Test
  void aFailedLoadGivesItsLeaseBackSoTheNextMissNeedNotWait() {
    assertThatThrownBy(
            () ->
                a.get(
                    "k",
                    k -> {
                      throw new IllegalStateException("database down");
                    }))
        .hasMessageContaining("database down");

    org.awaitility.Awaitility.await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> stored("k") == null);
    assertThat(b.get("k", k -> "v")).isEqualTo("v");
    assertThat(b.leaseStats().waited()).isZero();
  }

  @Test
  void bulkLoadsTakeLeasesToo() throws Exception {
    CountDownLatch loading = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    CompletableFuture<Map<String, String>> caller =
        CompletableFuture.supplyAsync(
            () ->
                a.getAll(
                    List.of("x", "y"),
                    new CacheLoader<String, String>() {
                      @Override
                      public String load(String key) {
                        throw new AssertionError("a bulk load is expected");
                      }

                      @Override
                      public Map<String, String> loadAll(Set<? extends String> keys)
                          throws InterruptedException {
                        loading.countDown();
                        release.await();
                        return Map.of("x", "old-x", "y", "old-y");
                      }
                    }));
    assertThat(loading.await(10, TimeUnit.SECONDS)).isTrue();
    b.invalidate("x");
    release.countDown();

    assertThat(caller.get(10, TimeUnit.SECONDS)).isEqualTo(Map.of("x", "old-x", "y", "old-y"));
    assertThat(b.getIfPresent("x")).isNull();
    assertThat(b.getIfPresent("y")).isEqualTo("old-y");
  }

  @Test
  void asyncLoadsTakeLeasesToo() throws Exception {
    CompletableFuture<@Nullable String> load = new CompletableFuture<>();
    CompletableFuture<@Nullable String> caller =
        a.async().get("k", k -> load).toCompletableFuture();
    org.awaitility.Awaitility.await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> stored("k") != null);
    assertThat(kind("k")).isEqualTo(StoredValueFormat.Kind.LEASE);
    b.invalidate("k");
    load.complete("old");

    assertThat(caller.get(10, TimeUnit.SECONDS)).isEqualTo("old");
    assertThat(b.getIfPresent("k")).isNull();
  }

  @Test
  void entriesWrittenInTheFormerFormatAreServedAndInvalidated() {
    rawCommands.set(
        "strata:c:leased:old".getBytes(StandardCharsets.UTF_8),
        StoredValueFormat.frameValue("written-by-an-older-node".getBytes(StandardCharsets.UTF_8)));

    assertThat(a.getIfPresent("old")).isEqualTo("written-by-an-older-node");
    a.invalidate("old");
    assertThat(NaiveCacheAside.valueOf(stored("old")))
        .as("an older node reads a tombstone as no value")
        .isNull();
  }

  @Test
  void aPutWhoseSetIsRefusedRemovesTheOldValue() {
    a.put("k", "old");
    redis.command("ACL", "SETUSER", "noset", "on", ">pw", "~*", "+@all", "-set");
    try (RedisClient limited = RedisClient.create(asUser("noset"));
        RedisCache<String, String> node = node(limited)) {
      node.put("k", "new");

      assertThat(b.getIfPresent("k")).as("the old value is gone, not served").isNull();
    }
  }

  @Test
  void aPutThatCanNeitherWriteNorRemoveTheOldValueFails() {
    a.put("k", "old");
    redis.command("ACL", "SETUSER", "nowrite", "on", ">pw", "~*", "+@all", "-set", "-unlink");
    try (RedisClient limited = RedisClient.create(asUser("nowrite"));
        RedisCache<String, String> node = node(limited)) {
      assertThatThrownBy(() -> node.put("k", "new"))
          .isInstanceOf(InvalidationFailedException.class)
          .hasMessageContaining("'leased'")
          .hasMessageNotContaining("pw");
      assertThat(b.getIfPresent("k")).isEqualTo("old");
    } finally {
      redis.command("ACL", "DELUSER", "nowrite");
    }
  }

  private RedisURI asUser(String user) {
    return RedisURI.Builder.redis(redis.host(), redis.port())
        .withAuthentication(user, "pw".toCharArray())
        .build();
  }
}
