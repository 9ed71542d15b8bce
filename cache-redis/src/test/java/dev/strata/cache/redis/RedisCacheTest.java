package dev.strata.cache.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.strata.cache.CacheStats;
import dev.strata.cache.KeyCodec;
import dev.strata.cache.TtlPolicy;
import dev.strata.testsupport.RedisServer;
import dev.strata.testsupport.WithRedis;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.codec.ByteArrayCodec;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What is particular to Redis: key layout, stored format, TTL commands, corrupt data, limits. */
@WithRedis
class RedisCacheTest {

  private static RedisClient client;
  private static StatefulRedisConnection<byte[], byte[]> raw;
  private static RedisCommands<byte[], byte[]> redisCommands;
  private RedisServer redis;
  private RedisCache<String, String> cache;

  record User(long id, String name, List<String> roles) {}

  @BeforeAll
  static void connect(RedisServer redis) {
    client = RedisClient.create(redis.uri());
    raw = client.connect(ByteArrayCodec.INSTANCE);
    redisCommands = raw.sync();
  }

  @AfterAll
  static void disconnect() {
    raw.close();
    client.shutdown();
  }

  @BeforeEach
  void newCache(RedisServer redis) {
    this.redis = redis;
    cache =
        RedisCache.builder(client)
            .keyPrefix("app")
            .name("users")
            .commandTimeout(Duration.ofSeconds(2))
            .build();
  }

  @AfterEach
  void closeCache() {
    cache.close();
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static byte[] stored(String key) {
    return redisCommands.get(bytes(key));
  }

  // ---------------------------------------------------------------- layout and format

  @Test
  void entriesAreStoredUnderPrefixNameAndKeyWithAHeader() {
    cache.put("42", "alice");

    assertThat(redisCommands.keys("*"))
        .extracting(k -> new String(k, StandardCharsets.UTF_8))
        .containsExactly("app:c:users:42");
    byte[] stored = stored("app:c:users:42");
    assertThat(stored[0]).isEqualTo((byte) 0xF9);
    assertThat(stored[1]).isEqualTo((byte) 'V');
    assertThat(new String(stored, 2, stored.length - 2, StandardCharsets.UTF_8)).isEqualTo("alice");
  }

  @Test
  void keyCodecEncodesTheLastPartOfTheKeyIncludingNonAsciiKeys() {
    try (RedisCache<Long, String> byId =
            RedisCache.builder(client).name("ids").keyCodec(KeyCodec.longs()).build();
        RedisCache<String, String> text = RedisCache.builder(client).name("text").build()) {
      byId.put(7L, "seven");
      text.put("grüße", "hello");

      assertThat(stored("strata:c:ids:7")).isNotNull();
      assertThat(stored("strata:c:text:grüße")).isNotNull();
      assertThat(byId.getIfPresent(7L)).isEqualTo("seven");
      assertThat(text.getIfPresent("grüße")).isEqualTo("hello");
    }
  }

  @Test
  void aValueThatLooksLikeTheNegativeMarkerIsStillAValue() {
    try (RedisCache<String, byte[]> binary =
        RedisCache.builder(client)
            .name("binary")
            .valueCodec(ValueCodec.bytes())
            .ttl(TtlPolicy.builder().negativeTtl(Duration.ofMinutes(1)).build())
            .build()) {
      byte[] markerLookalike = {(byte) 0xF9, 'N'};
      binary.put("a", markerLookalike);
      binary.put("empty", new byte[0]);
      assertThat(binary.get("absent", k -> null)).isNull();

      assertThat(binary.getIfPresent("a")).containsExactly(markerLookalike);
      assertThat(binary.getIfPresent("empty")).isEmpty();
      assertThat(binary.getAllPresent(List.of("a", "empty", "absent")))
          .containsOnlyKeys("a", "empty");
      assertThat(stored("strata:c:binary:absent")).containsExactly((byte) 0xF9, 'N');
    }
  }

  @Test
  void jsonValuesRoundTripThroughTheJsonCodec() {
    try (RedisCache<Long, User> users =
        RedisCache.builder(client)
            .name("json-users")
            .keyCodec(KeyCodec.longs())
            .valueCodec(JsonValueCodec.of(User.class))
            .build()) {
      User alice = new User(1, "alice", List.of("admin"));
      users.put(1L, alice);

      assertThat(users.getIfPresent(1L)).isEqualTo(alice);
      byte[] stored = stored("strata:c:json-users:1");
      assertThat(new String(stored, 2, stored.length - 2, StandardCharsets.UTF_8))
          .isEqualTo("{\"id\":1,\"name\":\"alice\",\"roles\":[\"admin\"]}");
    }
  }

  // ---------------------------------------------------------------- TTL

  @Test
  void defaultTtlIsSetWithPxAndEternalEntriesHaveNone() {
    try (RedisCache<String, String> ttl =
        RedisCache.builder(client).name("ttl").ttl(TtlPolicy.of(Duration.ofMinutes(5))).build()) {
      ttl.put("k", "v");
      cache.put("eternal", "v");

      assertThat(redisCommands.pttl(bytes("strata:c:ttl:k")))
          .isBetween(Duration.ofMinutes(4).toMillis(), Duration.ofMinutes(5).toMillis());
      assertThat(redisCommands.pttl(bytes("app:c:users:eternal"))).isEqualTo(-1L);
    }
  }

  @Test
  void putWithoutTtlClearsAnEarlierPerEntryTtl() {
    cache.put("k", "v1", Duration.ofMinutes(1));
    assertThat(redisCommands.pttl(bytes("app:c:users:k"))).isPositive();

    cache.put("k", "v2");

    assertThat(redisCommands.pttl(bytes("app:c:users:k"))).isEqualTo(-1L);
  }

  @Test
  void jitterKeepsEveryTtlWithinItsBounds() {
    Duration ttl = Duration.ofMinutes(10);
    try (RedisCache<String, String> jittered =
        RedisCache.builder(client)
            .name("jitter")
            .ttl(TtlPolicy.builder().defaultTtl(ttl).jitter(0.5).build())
            .build()) {
      Map<String, String> entries = new HashMap<>();
      IntStream.range(0, 50).forEach(i -> entries.put("k" + i, "v"));
      jittered.putAll(entries);

      Set<Long> ttls =
          entries.keySet().stream()
              .map(k -> redisCommands.pttl(bytes("strata:c:jitter:" + k)))
              .collect(Collectors.toSet());
      assertThat(ttls)
          .allSatisfy(t -> assertThat(t).isBetween(ttl.toMillis() / 2 - 5_000, ttl.toMillis()));
      assertThat(ttls)
          .as("entries written together expire at different times")
          .hasSizeGreaterThan(10);
    }
  }

  @Test
  void negativeEntriesGetTheNegativeTtl() {
    try (RedisCache<String, String> negative =
        RedisCache.builder(client)
            .name("negative")
            .ttl(
                TtlPolicy.builder()
                    .defaultTtl(Duration.ofHours(1))
                    .negativeTtl(Duration.ofSeconds(30))
                    .build())
            .build()) {
      assertThat(negative.get("missing", k -> null)).isNull();

      assertThat(redisCommands.pttl(bytes("strata:c:negative:missing")))
          .isBetween(1L, Duration.ofSeconds(30).toMillis());
    }
  }

  // ---------------------------------------------------------------- round trips

  @Test
  void bulkGetIsOneMgetAcrossAllKeys() {
    Map<String, String> entries = new HashMap<>();
    IntStream.range(0, 100).forEach(i -> entries.put("k" + i, "v" + i));
    cache.putAll(entries);
    redisCommands.configResetstat();

    Map<String, String> found = cache.getAllPresent(entries.keySet());

    assertThat(found).isEqualTo(entries);
    String stats = redisCommands.info("commandstats");
    assertThat(stats).contains("cmdstat_mget:calls=1,");
    assertThat(stats).doesNotContain("cmdstat_get:");
  }

  @Test
  void putAllWritesEveryEntryAndGetAllLoadsOnlyWhatIsMissing() {
    cache.putAll(Map.of("a", "1", "b", "2"));
    AtomicInteger loads = new AtomicInteger();

    Map<String, String> all =
        cache.getAll(
            List.of("a", "b", "c"),
            new dev.strata.cache.CacheLoader<>() {
              @Override
              public String load(String key) {
                throw new AssertionError("bulk loads use loadAll");
              }

              @Override
              public Map<String, String> loadAll(Set<? extends String> keys) {
                loads.incrementAndGet();
                assertThat(Set.<String>copyOf(keys)).containsExactly("c");
                return Map.of("c", "3");
              }
            });

    assertThat(all).isEqualTo(Map.of("a", "1", "b", "2", "c", "3"));
    assertThat(loads).hasValue(1);
    assertThat(cache.getIfPresent("c")).isEqualTo("3");
  }

  // ---------------------------------------------------------------- fills racing with writes

  /** Starts {@code cache.get(key)} whose loader blocks until the returned latch is released. */
  private CompletableFuture<String> blockedLoad(String key, CountDownLatch release)
      throws Exception {
    CountDownLatch loading = new CountDownLatch(1);
    CompletableFuture<String> load =
        CompletableFuture.supplyAsync(
            () ->
                cache.get(
                    key,
                    k -> {
                      loading.countDown();
                      release.await();
                      return "loaded";
                    }));
    assertThat(loading.await(10, TimeUnit.SECONDS)).isTrue();
    return load;
  }

  @Test
  void writesOfOtherKeysDuringALoadDoNotDiscardItsFill() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    var load = blockedLoad("a", release);

    cache.put("b", "other");
    cache.putAll(Map.of("c", "3", "d", "4"));
    cache.invalidate("e");
    cache.invalidateAll(List.of("f", "g"));
    release.countDown();

    assertThat(load.get(10, TimeUnit.SECONDS)).isEqualTo("loaded");
    assertThat(cache.getIfPresent("a")).isEqualTo("loaded");
  }

  @Test
  void aPutOrInvalidationOfTheKeyDuringALoadStillWinsOverItsFill() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    var load = blockedLoad("a", release);
    cache.put("a", "put");
    release.countDown();
    assertThat(load.get(10, TimeUnit.SECONDS)).isEqualTo("loaded");
    assertThat(cache.getIfPresent("a")).isEqualTo("put");

    CountDownLatch again = new CountDownLatch(1);
    cache.invalidate("a");
    var second = blockedLoad("a", again);
    cache.invalidate("a");
    again.countDown();
    assertThat(second.get(10, TimeUnit.SECONDS)).isEqualTo("loaded");
    assertThat(cache.getIfPresent("a")).isNull();

    CountDownLatch third = new CountDownLatch(1);
    var everything = blockedLoad("a", third);
    cache.invalidateAll();
    third.countDown();
    assertThat(everything.get(10, TimeUnit.SECONDS)).isEqualTo("loaded");
    assertThat(cache.getIfPresent("a")).isNull();
  }

  // ---------------------------------------------------------------- corrupt and foreign data

  @Test
  void bytesWithoutTheHeaderAreACountedMissAndTheKeyIsDeleted() {
    redisCommands.set(bytes("app:c:users:foreign"), bytes("written by someone else"));

    assertThat(cache.getIfPresent("foreign")).isNull();

    assertThat(cache.redisStats().corruptValues()).isEqualTo(1);
    org.awaitility.Awaitility.await()
        .atMost(Duration.ofSeconds(5))
        .until(() -> redisCommands.exists(bytes("app:c:users:foreign")) == 0);
  }

  @Test
  void bytesTheCodecRejectsAreACountedMissAndGetOrLoadReloads() {
    try (RedisCache<Long, User> users =
        RedisCache.builder(client)
            .name("corrupt-json")
            .keyCodec(KeyCodec.longs())
            .valueCodec(JsonValueCodec.of(User.class))
            .build()) {
      byte[] garbage = {(byte) 0xF9, 'V', '{', '"', 'i', 'd', '"', ':'};
      redisCommands.set(bytes("strata:c:corrupt-json:5"), garbage);
      User loaded = new User(5, "eve", List.of());

      assertThat(users.get(5L, id -> loaded)).isEqualTo(loaded);

      assertThat(users.redisStats().corruptValues()).isEqualTo(1);
      assertThat(users.getIfPresent(5L)).isEqualTo(loaded);
    }
  }

  @Test
  void corruptBytesInABulkGetAreMissesAndTheOtherKeysAreFound() {
    cache.put("good", "1");
    redisCommands.set(bytes("app:c:users:bad"), new byte[] {(byte) 0xF9, 'X', 1, 2});

    assertThat(cache.getAllPresent(List.of("good", "bad"))).isEqualTo(Map.of("good", "1"));
    assertThat(cache.redisStats().corruptValues()).isEqualTo(1);
  }

  @Test
  void aBulkGetReadsADuplicatedKeyOnceAndCountsItOnce() {
    cache.put("a", "1");
    CacheStats before = cache.stats();

    Map<String, String> found = cache.getAll(List.of("a", "b", "a", "b", "a"), k -> "loaded-" + k);

    assertThat(found).isEqualTo(Map.of("a", "1", "b", "loaded-b"));
    CacheStats delta = cache.stats().minus(before);
    assertThat(delta.hitCount()).isEqualTo(1);
    assertThat(delta.missCount()).isEqualTo(1);
    assertThat(cache.getAllPresent(List.of("b", "b"))).isEqualTo(Map.of("b", "loaded-b"));
  }

  @Test
  void aBulkGetDecodesValuesOfEverySizeAndNegativeEntries() {
    Map<String, String> entries = new HashMap<>();
    for (int i = 0; i < 50; i++) { // sizes grow and shrink, so a reused decode buffer is tested
      entries.put("s" + i, "é".repeat((i * 37) % 700) + i);
    }
    cache.putAll(entries);
    redisCommands.set(bytes("app:c:users:negative"), new byte[] {(byte) 0xF9, 'N'});
    List<String> keys = new ArrayList<>(entries.keySet());
    keys.add("negative");
    keys.add("nothing-here");

    assertThat(cache.getAllPresent(keys)).isEqualTo(entries);
    assertThat(cache.async().getAllPresent(keys).toCompletableFuture().join()).isEqualTo(entries);
  }

  @Test
  void aValueTheCodecCannotDecodeInABulkGetIsACountedMissAndIsDeleted() {
    ValueCodec<String> picky =
        new ValueCodec<>() {
          @Override
          public byte[] encode(String value) {
            return value.getBytes(StandardCharsets.UTF_8);
          }

          @Override
          public String decode(byte[] bytes, int offset, int length) {
            String value = new String(bytes, offset, length, StandardCharsets.UTF_8);
            if (value.startsWith("bad")) {
              throw new IllegalArgumentException("refused " + value);
            }
            return value;
          }
        };
    try (RedisCache<String, String> strict =
        RedisCache.builder(client).name("strict").valueCodec(picky).build()) {
      strict.putAll(Map.of("good", "fine", "poisoned", "bad value"));

      assertThat(strict.getAll(List.of("good", "poisoned"), k -> "reloaded"))
          .isEqualTo(Map.of("good", "fine", "poisoned", "reloaded"));
      assertThat(strict.redisStats().corruptValues()).isEqualTo(1);
    }
  }

  @Test
  void aKeyOfAnotherRedisTypeIsACountedMissAndIsLeftInPlace() {
    redisCommands.hset(bytes("app:c:users:hash"), bytes("field"), bytes("value"));

    assertThat(cache.getIfPresent("hash")).isNull();
    assertThat(cache.get("hash", k -> "loaded")).isEqualTo("loaded");
    assertThat(cache.getAll(List.of("hash"), k -> "bulk")).containsEntry("hash", "bulk");
    assertThat(cache.async().getIfPresent("hash").toCompletableFuture().join()).isNull();

    assertThat(cache.redisStats().corruptValues()).isEqualTo(3);
    // neither deleted nor overwritten by the fills
    assertThat(redisCommands.hget(bytes("app:c:users:hash"), bytes("field")))
        .isEqualTo(bytes("value"));
  }

  // ---------------------------------------------------------------- limits and bad input

  @Test
  void aValueOverTheMaximumIsRejectedAndNothingIsWritten() {
    try (RedisCache<String, String> small =
        RedisCache.builder(client).name("small").maxValueBytes(10).build()) {
      small.put("k", "old");

      assertThatThrownBy(() -> small.put("k", "much too long a value"))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("maxValueBytes 10")
          .hasMessageContaining("23 bytes");
      assertThatThrownBy(() -> small.putAll(Map.of("a", "ok", "b", "much too long a value")))
          .isInstanceOf(IllegalArgumentException.class);
      assertThatThrownBy(() -> small.async().put("k", "much too long a value"))
          .isInstanceOf(IllegalArgumentException.class);

      assertThat(small.getIfPresent("k")).isEqualTo("old");
      assertThat(small.getIfPresent("a")).isNull();
    }
  }

  @Test
  void aLoadedValueOverTheMaximumIsReturnedButNotCached() {
    try (RedisCache<String, String> small =
        RedisCache.builder(client).name("small-load").maxValueBytes(10).build()) {
      assertThat(small.get("k", k -> "much too long a value")).isEqualTo("much too long a value");

      assertThat(small.getIfPresent("k")).isNull();
      assertThat(small.redisStats().skippedWrites()).isEqualTo(1);
    }
  }

  @Test
  void aValueTheCodecCannotEncodeIsRejectedAndNothingIsWritten() {
    ValueCodec<String> failing =
        new ValueCodec<>() {
          @Override
          public byte[] encode(String value) {
            throw new IllegalStateException("cannot encode " + value);
          }

          @Override
          public String decode(byte[] bytes, int offset, int length) {
            return new String(bytes, offset, length, StandardCharsets.UTF_8);
          }
        };
    try (RedisCache<String, String> broken =
        RedisCache.builder(client).name("broken").valueCodec(failing).build()) {
      assertThatThrownBy(() -> broken.put("k", "v"))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("cannot encode v");
      assertThat(broken.get("loaded", k -> "v")).isEqualTo("v");

      assertThat(redisCommands.keys("strata:c:broken:*")).isEmpty();
    }
  }

  @Test
  void builderRejectsBadSettingsNamingFieldAndValue() {
    assertThatThrownBy(() -> RedisCache.builder(client).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("name");
    assertThatThrownBy(() -> RedisCache.builder(client).name("a:b").build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("name")
        .hasMessageContaining("'a:b'");
    assertThatThrownBy(() -> RedisCache.builder(client).name("{users}").build())
        .hasMessageContaining("'{users}'");
    assertThatThrownBy(() -> RedisCache.builder(client).name("x").keyPrefix("a*").build())
        .hasMessageContaining("keyPrefix")
        .hasMessageContaining("'a*'");
    assertThatThrownBy(() -> RedisCache.builder(client).name("x").maxValueBytes(0).build())
        .hasMessage("maxValueBytes must be in [3, 536870912] but was 0");
    assertThatThrownBy(
            () -> RedisCache.builder(client).name("x").commandTimeout(Duration.ZERO).build())
        .hasMessage("commandTimeout must be positive but was PT0S");
    assertThatThrownBy(() -> RedisCache.builder("http://nope"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("uri");
    assertThatThrownBy(() -> RedisCache.clusterBuilder(List.of()))
        .hasMessage("seedUris must not be empty");
  }

  // ---------------------------------------------------------------- URIs and owned clients

  @Test
  void aCacheBuiltFromAUriUsesItsDatabaseAndCredentialsAndOwnsItsClient() {
    redis.command("ACL", "SETUSER", "cacheuser", "on", ">s3cret", "~*", "+@all");
    String uri = "redis://cacheuser:s3cret@" + redis.host() + ":" + redis.port() + "/3";
    try (RedisCache<String, String> fromUri = RedisCache.builder(uri).name("owned").build()) {
      fromUri.put("k", "v");

      assertThat(fromUri.getIfPresent("k")).isEqualTo("v");
      assertThat(redisCommands.exists(bytes("strata:c:owned:k"))).isZero();
      assertThat((String) redis.command("INFO", "keyspace")).contains("db3:keys=1");
    } finally {
      redis.command("ACL", "DELUSER", "cacheuser");
    }
  }

  @Test
  void aWrongPasswordFailsTheBuild() {
    String uri = "redis://nobody:wrong-secret@" + redis.host() + ":" + redis.port();
    assertThatThrownBy(() -> RedisCache.builder(uri).name("denied").build())
        .isInstanceOf(io.lettuce.core.RedisConnectionException.class);
  }

  @Test
  void closingACacheLeavesAUserOwnedClientUsable() {
    RedisCache<String, String> first = RedisCache.builder(client).name("first").build();
    first.put("k", "v");
    first.close();

    try (RedisCache<String, String> second = RedisCache.builder(client).name("first").build()) {
      assertThat(second.getIfPresent("k")).isEqualTo("v");
    }
  }

  @Test
  void aClosedCacheReadsMissesSkipsFillsAndFailsPutsAndInvalidations() throws Exception {
    RedisCache<String, String> closed = RedisCache.builder(client).name("closed").build();
    closed.put("k", "v");
    closed.close();

    assertThat(closed.getIfPresent("k")).isNull();
    assertThat(closed.get("k", key -> "loaded")).isEqualTo("loaded");
    assertThat(closed.getAllPresent(List.of("k"))).isEmpty();
    assertThat(closed.async().getIfPresent("k").toCompletableFuture().get()).isNull();
    assertThatThrownBy(() -> closed.put("k", "v2"))
        .as("a put that can neither write nor remove the old value fails")
        .isInstanceOf(InvalidationFailedException.class);
    assertThatThrownBy(() -> closed.invalidate("k"))
        .isInstanceOf(InvalidationFailedException.class);
    assertThat(closed.redisStats().degradedReads()).isEqualTo(4);
    assertThat(closed.redisStats().skippedWrites()).isEqualTo(2);
    assertThat(stored("strata:c:closed:k")).endsWith(bytes("v"));
  }
}
