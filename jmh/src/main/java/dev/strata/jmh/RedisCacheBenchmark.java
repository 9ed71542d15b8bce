package dev.strata.jmh;

import dev.strata.cache.CacheLoader;
import dev.strata.cache.redis.RedisCache;
import dev.strata.testsupport.RedisServer;
import io.lettuce.core.KeyValue;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Redis caches against the raw Lettuce commands they are built on, all on one private redis-server
 * (started through strata-test-support) and one thread.
 *
 * <p>{@link RedisCache} section: {@code strataGet} ({@code RedisCache.getIfPresent}, always a hit:
 * one GET, header check, UTF-8 decode, circuit breaker and statistics) beside {@code rawLettuceGet}
 * (a synchronous GET of the same number of keys with Lettuce's UTF-8 codec); {@code strataGetAll}
 * ({@code RedisCache.getAll} of {@value #BULK} present keys: one MGET) beside {@code
 * rawLettuceMget} (an MGET of {@value #BULK} keys). Both sides read values of the same size from
 * keys of their own, so neither decodes the other's bytes. Target: each Strata method at least 0.90
 * × its raw twin; the round trip to Redis dominates both.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class RedisCacheBenchmark {

  /** Number of distinct keys; a power of two so that a mask picks the next one. */
  static final int KEYS = 1 << 10;

  /** Keys per bulk read. */
  static final int BULK = 100;

  private static final int GROUPS = KEYS / BULK;

  private RedisServer server;
  private RedisClient client;

  // ------------------------------------------------------------------ RedisCache and raw Lettuce

  private StatefulRedisConnection<String, String> rawConnection;
  private RedisCommands<String, String> raw;
  private RedisCache<String, String> strata;
  private final String[] keys = new String[KEYS];
  private final String[] rawKeys = new String[KEYS];
  private final List<String>[] bulkKeys = newListArray(GROUPS);
  private final String[][] rawBulkKeys = new String[GROUPS][];
  private final CacheLoader<String, String> failingLoader =
      key -> {
        throw new IllegalStateException("every key is present; nothing should load " + key);
      };

  @SuppressWarnings("unchecked")
  private static List<String>[] newListArray(int size) {
    return new List[size];
  }

  /** Each thread walks the key array from its own start. */
  @State(Scope.Thread)
  public static class Cursor {
    private int next;

    @Setup
    public void start() {
      next = System.identityHashCode(this);
    }

    int nextIndex() {
      return next++ & (KEYS - 1);
    }

    int nextGroup() {
      return (next++ & Integer.MAX_VALUE) % GROUPS;
    }
  }

  @Setup(Level.Trial)
  public void startRedis() {
    server = RedisServer.start();
    client = RedisClient.create(server.uri());
    rawConnection = client.connect();
    raw = rawConnection.sync();
    strata = RedisCache.builder(client).name("benchmark").build();
    Map<String, String> entries = new HashMap<>();
    for (int i = 0; i < KEYS; i++) {
      String value = "value-" + i + "-" + "x".repeat(48);
      keys[i] = "key-" + i;
      rawKeys[i] = "raw:benchmark:key-" + i;
      entries.put(keys[i], value);
      raw.set(rawKeys[i], value);
    }
    strata.putAll(entries);
    for (int g = 0; g < GROUPS; g++) {
      bulkKeys[g] = Arrays.asList(Arrays.copyOfRange(keys, g * BULK, (g + 1) * BULK));
      rawBulkKeys[g] = Arrays.copyOfRange(rawKeys, g * BULK, (g + 1) * BULK);
    }
    if (strata.getAll(bulkKeys[0], failingLoader).size() != BULK) {
      throw new IllegalStateException("the cache does not hold the benchmark's keys");
    }
  }

  @TearDown(Level.Trial)
  public void stopRedis() {
    strata.close();
    rawConnection.close();
    client.shutdown();
    server.close();
  }

  @Benchmark
  public String rawLettuceGet(Cursor cursor) {
    return raw.get(rawKeys[cursor.nextIndex()]);
  }

  @Benchmark
  public String strataGet(Cursor cursor) {
    return strata.getIfPresent(keys[cursor.nextIndex()]);
  }

  @Benchmark
  public List<KeyValue<String, String>> rawLettuceMget(Cursor cursor) {
    return raw.mget(rawBulkKeys[cursor.nextGroup()]);
  }

  @Benchmark
  public Map<String, String> strataGetAll(Cursor cursor) {
    return strata.getAll(bulkKeys[cursor.nextGroup()], failingLoader);
  }
}
