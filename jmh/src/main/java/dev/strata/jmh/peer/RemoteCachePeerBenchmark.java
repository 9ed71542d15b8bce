package dev.strata.jmh.peer;

import dev.strata.cache.CacheLoader;
import dev.strata.cache.redis.RedisCache;
import dev.strata.jmh.BenchmarkData;
import dev.strata.jmh.BenchmarkRedis;
import io.lettuce.core.KeyValue;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
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
import org.redisson.api.RBuckets;
import org.redisson.api.RedissonClient;
import org.springframework.cache.Cache;
import org.springframework.data.redis.cache.RedisCacheConfiguration;
import org.springframework.data.redis.cache.RedisCacheManager;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.serializer.RedisSerializationContext.SerializationPair;
import org.springframework.data.redis.serializer.RedisSerializer;

/**
 * A remote cache read (every key present, no near cache): Strata's {@link RedisCache} beside raw
 * Lettuce, Redisson 3.52.0 and Spring Data Redis's {@code RedisCache}, all on one private
 * redis-server, the same {@value #KEYS} keys per library with values of the same 60 bytes (each
 * library reads keys of its own, so none decodes another's format). Run with {@code -t 8} for eight
 * threads sharing each client, and {@code -prof gc} for the allocation per read.
 *
 * <ul>
 *   <li>{@code strataGet}: {@code RedisCache.getIfPresent} with the default UTF-8 value codec (one
 *       GET, header check, decode, circuit breaker, statistics); {@code strataGetAll}: {@code
 *       getAll} of {@value #BULK} keys (one MGET).
 *   <li>{@code rawLettuceGet} / {@code rawLettuceMget}: a synchronous GET / MGET of {@value #BULK}
 *       keys on one Lettuce connection with the UTF-8 {@code StringCodec}.
 *   <li>{@code redissonBucketGet}: {@code RBucket.get()}; {@code redissonBucketsGet}: {@code
 *       RBuckets.get(keys...)} of {@value #BULK} keys (one MGET). Configuration: single server,
 *       {@code StringCodec} (not the Kryo default, which would cost Redisson a serializer),
 *       everything else Redisson's defaults (its connection pool of 24 to 64 connections).
 *   <li>{@code springRedisCacheGet}: {@code Cache.get(key, String.class)} on a {@code RedisCache}
 *       from a {@code RedisCacheManager} over a {@code LettuceConnectionFactory} (its default
 *       shared native connection, Lettuce 7.7.0 as Strata uses), values serialized with {@code
 *       RedisSerializer.string()} (not the JDK serializer default), no null values, the default
 *       non-locking cache writer. Spring's cache has no bulk read.
 * </ul>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class RemoteCachePeerBenchmark {

  /** Number of distinct keys; a power of two so that a mask picks the next one. */
  static final int KEYS = 1 << 10;

  /** Keys per bulk read. */
  static final int BULK = 100;

  private static final int GROUPS = KEYS / BULK;

  private BenchmarkRedis redis;
  private StatefulRedisConnection<String, String> rawConnection;
  private RedisCommands<String, String> raw;
  private RedisCache<String, String> strata;
  private RedissonClient redisson;
  private RBuckets redissonBuckets;
  private LettuceConnectionFactory springFactory;
  private Cache springCache;

  private String[] keys;
  private String[] rawKeys;
  private String[] redissonKeys;
  private List<String>[] bulkKeys;
  private String[][] rawBulkKeys;
  private String[][] redissonBulkKeys;
  private final CacheLoader<String, String> failingLoader = BenchmarkData.failingLoader();

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
  public void start() {
    redis = BenchmarkRedis.start();
    rawConnection = redis.client().connect();
    raw = rawConnection.sync();
    strata = RedisCache.builder(redis.client()).name("peer-benchmark").build();

    redisson = PeerClients.redisson(redis);
    redissonBuckets = redisson.getBuckets();

    springFactory = PeerClients.springConnectionFactory(redis);
    RedisCacheManager manager =
        RedisCacheManager.builder(springFactory)
            .cacheDefaults(
                RedisCacheConfiguration.defaultCacheConfig()
                    .serializeValuesWith(SerializationPair.fromSerializer(RedisSerializer.string()))
                    .disableCachingNullValues())
            .build();
    manager.afterPropertiesSet();
    springCache = manager.getCache("peer-benchmark");

    keys = BenchmarkData.keys("key-", KEYS);
    rawKeys = BenchmarkData.keys("raw:key-", KEYS);
    redissonKeys = BenchmarkData.keys("redisson:key-", KEYS);
    BenchmarkData.writeEach(rawKeys, raw::set);
    BenchmarkData.writeEach(
        redissonKeys, (key, value) -> redisson.<String>getBucket(key).set(value));
    BenchmarkData.writeEach(keys, springCache::put);
    strata.putAll(BenchmarkData.entries(keys));
    bulkKeys = BenchmarkData.groupLists(keys, BULK);
    rawBulkKeys = BenchmarkData.groups(rawKeys, BULK);
    redissonBulkKeys = BenchmarkData.groups(redissonKeys, BULK);
    BenchmarkData.requireHeld(strata.getAll(bulkKeys[0], failingLoader).size() == BULK, "Strata");
    BenchmarkData.requireHeld(redissonBuckets.get(redissonBulkKeys[0]).size() == BULK, "Redisson");
    BenchmarkData.requireHeld(springCache.get(keys[7], String.class) != null, "Spring");
  }

  @TearDown(Level.Trial)
  public void stop() {
    strata.close();
    redisson.shutdown();
    springFactory.destroy();
    rawConnection.close();
    redis.close();
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
  public String redissonBucketGet(Cursor cursor) {
    return redisson.<String>getBucket(redissonKeys[cursor.nextIndex()]).get();
  }

  @Benchmark
  public String springRedisCacheGet(Cursor cursor) {
    return springCache.get(keys[cursor.nextIndex()], String.class);
  }

  @Benchmark
  public List<KeyValue<String, String>> rawLettuceMget(Cursor cursor) {
    return raw.mget(rawBulkKeys[cursor.nextGroup()]);
  }

  @Benchmark
  public Map<String, String> strataGetAll(Cursor cursor) {
    return strata.getAll(bulkKeys[cursor.nextGroup()], failingLoader);
  }

  @Benchmark
  public Map<String, String> redissonBucketsGet(Cursor cursor) {
    return redissonBuckets.get(redissonBulkKeys[cursor.nextGroup()]);
  }
}
