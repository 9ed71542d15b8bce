package dev.strata.cache.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.strata.cache.CacheLoader;
import dev.strata.cache.TtlPolicy;
import dev.strata.cache.redis.internal.StoredValueFormat;
import dev.strata.testsupport.RedisServer;
import dev.strata.testsupport.WithRedis;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.ByteArrayCodec;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Probabilistic early refresh (XFetch): a hot key read continuously by four nodes never misses
 * across its expiries, and each entry is reloaded exactly once, by one node, before it expires;
 * entries with and without the early-refresh data read fine on caches with and without it.
 */
@WithRedis
class EarlyRefreshTest {

  private static final Logger LOG = LoggerFactory.getLogger(EarlyRefreshTest.class);

  private static final Duration TTL = Duration.ofSeconds(2);

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

  private byte[] stored(String name, String key) {
    try (StatefulRedisConnection<byte[], byte[]> raw =
        RedisClient.create(redis.uri()).connect(ByteArrayCodec.INSTANCE)) {
      return raw.sync().get(("strata:c:" + name + ":" + key).getBytes(StandardCharsets.UTF_8));
    }
  }

  @Test
  void aHotKeyNeverMissesAcrossItsExpiriesAndEachEntryIsReloadedOnce() throws Exception {
    List<RedisCache<String, String>> nodes = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      nodes.add(node("hot", 2.0));
    }
    AtomicInteger loads = new AtomicInteger();
    CacheLoader<String, String> loader =
        key -> {
          int n = loads.incrementAndGet();
          Thread.sleep(30); // the database read
          return "v" + n;
        };
    assertThat(nodes.get(0).get("hot", loader)).isEqualTo("v1");
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
                  String value = node.get("hot", loader);
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
    } finally {
      stop.set(true);
      for (Thread reader : readers) {
        reader.join(10_000);
      }
    }

    long misses = nodes.stream().mapToLong(n -> n.stats().missCount()).sum() - missesBefore;
    long refreshes = nodes.stream().mapToLong(n -> n.leaseStats().earlyRefreshes()).sum();
    LOG.info(
        "early refresh: {} reads, {} loads, {} misses after the first load, {} refreshes",
        nodes.stream().mapToLong(n -> n.stats().hitCount()).sum(),
        loads.get(),
        misses,
        refreshes);
    assertThat(misses).as("misses of the hot key across its expiries").isZero();
    assertThat(nulls).hasValue(0);
    assertThat(refreshes)
        .as("every reload after the first was an early refresh")
        .isEqualTo(loads.get() - 1);
    assertThat(nodes.stream().mapToLong(n -> n.earlyRefresh.refreshesLanded()).sum())
        .as("each refresh landed: one reload per entry, before it expired")
        .isEqualTo(refreshes);
    assertThat(served).as("each entry was replaced once, in order").contains("v1", "v2", "v3");
    assertThat(served.size()).isBetween(loads.get() - 1, loads.get());
    assertThat(nodes.stream().mapToLong(n -> n.leaseStats().waited()).sum()).isZero();
  }

  @Test
  void entriesWithAndWithoutTheRefreshDataReadFineEitherWay() {
    RedisCache<String, String> early = node("mixed", 1.0);
    RedisCache<String, String> plain = node("mixed", 0);

    assertThat(early.get("x", k -> "from-early")).isEqualTo("from-early");
    assertThat(stored("mixed", "x")[1]).isEqualTo((byte) 'X');
    assertThat(plain.getIfPresent("x")).isEqualTo("from-early");
    assertThat(plain.get("x", k -> "not-loaded")).isEqualTo("from-early");
    assertThat(plain.getAll(List.of("x"), k -> "not-loaded")).isEqualTo(Map.of("x", "from-early"));

    assertThat(plain.get("y", k -> "from-plain")).isEqualTo("from-plain");
    assertThat(StoredValueFormat.kindOf(stored("mixed", "y")))
        .isEqualTo(StoredValueFormat.Kind.VALUE);
    assertThat(stored("mixed", "y")[1]).isEqualTo((byte) 'V');
    assertThat(early.get("y", k -> "not-loaded")).isEqualTo("from-plain");
    assertThat(early.getAllPresent(List.of("x", "y")))
        .isEqualTo(Map.of("x", "from-early", "y", "from-plain"));
    assertThat(plain.redisStats().corruptValues()).isZero();
    assertThat(early.redisStats().corruptValues()).isZero();
  }

  @Test
  void aBetaOutOfRangeIsRejectedAtBuild() {
    assertThatThrownBy(
            () -> RedisCache.builder("redis://127.0.0.1:1").name("c").earlyRefresh(-1).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("earlyRefresh must be in [0, 10] but was -1.0");
    assertThatThrownBy(
            () ->
                RedisCache.builder("redis://127.0.0.1:1")
                    .name("c")
                    .earlyRefresh(Double.NaN)
                    .build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("earlyRefresh must be in [0, 10] but was NaN");
  }
}
