package dev.strata.cache.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.strata.redis.KeyNamespace;
import io.lettuce.core.AbstractRedisClient;
import io.lettuce.core.RedisClient;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.api.sync.RedisClusterCommands;
import io.lettuce.core.codec.StringCodec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Whatever its name, a {@link RedisCache} cannot read, overwrite or delete a key of another
 * component: a session, a principal index, a version counter, a write-behind queue, or another
 * cache's entry, all written with raw Lettuce in the layout of {@link KeyNamespace} (and the
 * session in the layout before it). Runs on a single Redis and on a Redis Cluster.
 */
abstract class ComponentKeyIsolationTest {

  private static final String SESSION_ID = "hQ3kX9mP2vL8nR5tW1yB7cF4gJ6dS0aE";
  private static final KeyNamespace KEYS = KeyNamespace.defaults();

  /** The Redis under test; opened once per test class by the subclass. */
  protected abstract RedisDeployment deployment();

  private RedisClusterCommands<String, String> raw;
  private AutoCloseable rawConnection;
  private final List<AutoCloseable> closeables = new ArrayList<>();

  @BeforeEach
  void connectRaw() {
    AbstractRedisClient client = deployment().client();
    if (client instanceof RedisClusterClient cluster) {
      var connection = cluster.connect(StringCodec.UTF8);
      raw = connection.sync();
      rawConnection = connection;
    } else {
      var connection = ((RedisClient) client).connect(StringCodec.UTF8);
      raw = connection.sync();
      rawConnection = connection;
    }
    raw.flushall();
  }

  @AfterEach
  void close() throws Exception {
    for (AutoCloseable c : closeables) {
      c.close();
    }
    closeables.clear();
    rawConnection.close();
  }

  /** The keys of the other components, as they would write them. */
  private Map<String, String> writeOtherComponentsKeys() {
    Map<String, String> session =
        Map.of(
            "created", "1700000000000",
            "accessed", "1700000000000",
            "idle", "1800000",
            "principal", "alice",
            "a:cart", "[1,2,3]");
    raw.hset(KEYS.sessionKey(SESSION_ID), session);
    raw.hset("strata:session:{" + SESSION_ID + "}", session);
    raw.zadd(KEYS.principalIndexKey("alice"), 1.0, SESSION_ID);
    raw.set(KEYS.versionKey("users"), "7");
    raw.set("strata:version:users", "7");
    raw.xadd(KEYS.writeBehindKeyPrefix("orders") + "stream", Map.of("k", "v"));
    return session;
  }

  private void assertOtherComponentsKeysSurvive(Map<String, String> session) {
    assertThat(raw.hgetall(KEYS.sessionKey(SESSION_ID))).isEqualTo(session);
    assertThat(raw.hgetall("strata:session:{" + SESSION_ID + "}")).isEqualTo(session);
    assertThat(raw.zrange(KEYS.principalIndexKey("alice"), 0, -1)).containsExactly(SESSION_ID);
    assertThat(raw.get(KEYS.versionKey("users"))).isEqualTo("7");
    assertThat(raw.get("strata:version:users")).isEqualTo("7");
    assertThat(raw.xlen(KEYS.writeBehindKeyPrefix("orders") + "stream")).isEqualTo(1);
  }

  private RedisCache<String, String> cache(String name) {
    RedisCache<String, String> cache =
        RedisDeployment.redisCacheOn(deployment().client())
            .name(name)
            .commandTimeout(Duration.ofSeconds(5))
            .build();
    closeables.add(cache);
    return cache;
  }

  @ParameterizedTest
  @ValueSource(strings = {"session", "s", "v", "version", "wb", "i", "c", "p", "principal"})
  void aCacheOfAnyNameLeavesEveryOtherComponentsKeysAlone(String name) {
    Map<String, String> session = writeOtherComponentsKeys();
    RedisCache<String, String> other = cache("other-" + name.length());
    other.put("k", "kept");
    RedisCache<String, String> cache = cache(name);

    List<String> lookalikes =
        List.of(
            "{" + SESSION_ID + "}",
            SESSION_ID,
            "s:{" + SESSION_ID + "}",
            "principal:alice",
            "users",
            "v:users",
            "wb:orders:stream",
            "../other-" + name.length() + ":k");
    for (String key : lookalikes) {
      assertThat(cache.getIfPresent(key)).isNull();
      assertThat(cache.get(key, k -> "loaded")).isEqualTo("loaded");
    }
    assertThat(cache.getAll(lookalikes, k -> "bulk")).hasSize(lookalikes.size());
    assertOtherComponentsKeysSurvive(session);

    // a corrupt-looking read in the cache's own sub-space: bytes without the header, and a hash
    raw.set(KEYS.cacheKeyPrefix(name) + "{" + SESSION_ID + "}", "not a cache entry");
    raw.hset(KEYS.cacheKeyPrefix(name) + "hash", Map.of("created", "1"));
    assertThat(cache.getIfPresent("{" + SESSION_ID + "}")).isNull();
    assertThat(cache.getIfPresent("hash")).isNull();
    assertThat(cache.redisStats().degradedReads()).isZero();
    assertThat(cache.redisStats().corruptValues()).isEqualTo(2);
    assertThat(raw.hgetall(KEYS.cacheKeyPrefix(name) + "hash")).containsEntry("created", "1");
    assertOtherComponentsKeysSurvive(session);

    cache.invalidate("{" + SESSION_ID + "}");
    cache.invalidateAll(lookalikes);
    cache.invalidateAll();
    assertOtherComponentsKeysSurvive(session);
    assertThat(other.getIfPresent("k")).isEqualTo("kept");
    // everything of the cache's own is gone
    for (String key : lookalikes) {
      assertThat(raw.exists(KEYS.cacheKeyPrefix(name) + key)).isZero();
    }
  }
}
