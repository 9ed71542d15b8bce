package dev.strata.jmh.peer;

import com.alicp.jetcache.CacheValueHolder;
import com.alicp.jetcache.MultiLevelCacheBuilder;
import com.alicp.jetcache.embedded.CaffeineCacheBuilder;
import com.alicp.jetcache.redis.lettuce.RedisLettuceCacheBuilder;
import dev.strata.cache.KeyCodec;
import dev.strata.cache.local.LocalCache;
import dev.strata.cache.redis.RedisCache;
import dev.strata.cache.redis.RedisInvalidationBus;
import dev.strata.cache.redis.TieredCache;
import dev.strata.jmh.BenchmarkData;
import dev.strata.jmh.BenchmarkRedis;
import dev.strata.jmh.RawCaffeine;
import io.lettuce.core.RedisClient;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
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
import org.redisson.api.RLocalCachedMap;
import org.redisson.api.RedissonClient;
import org.redisson.api.options.LocalCachedMapOptions;
import org.redisson.client.codec.StringCodec;

/**
 * A near-cache hit (the value is in the process, Redis is not asked): Strata's {@link TieredCache}
 * L1 hit beside a raw Caffeine hit, Redisson 3.52.0's {@link RLocalCachedMap} and JetCache 2.7.8's
 * two-level cache, all holding the same {@value #KEYS} entries (values of 60 bytes) over one
 * private redis-server. Run with {@code -prof gc} for the allocation per hit.
 *
 * <ul>
 *   <li>{@code tieredGetL1Hit}: {@code TieredCache.getIfPresent}, a {@link LocalCache} L1 (size
 *       bound, 10-minute L1 TTL) over a {@link RedisCache} L2 with pub/sub invalidation.
 *   <li>{@code rawCaffeineGetHit}: {@code getIfPresent} on Caffeine with a size bound, a 10-minute
 *       TTL and statistics: {@link RawCaffeine}, as in {@code LocalCacheBenchmark}.
 *   <li>{@code redissonLocalCachedMapGet}: {@code RLocalCachedMap.get} with the defaults of {@code
 *       LocalCachedMapOptions.name(...)} (unbounded local cache, invalidation on change, which keys
 *       the local cache by the encoded key's hash) and {@code StringCodec} (not Kryo); {@code
 *       redissonLocalCachedMapObjectKeyGet}: the same with {@code useObjectAsCacheKey(true)}, which
 *       keys the local cache by the key object itself.
 *   <li>{@code jetCacheMultiLevelGet}: JetCache's {@code MultiLevelCache} of a Caffeine local cache
 *       (limit {@value #LOCAL_LIMIT}, 10-minute TTL) over its Lettuce Redis cache (same Lettuce
 *       7.7.0, an identity key convertor for the string keys, and a UTF-8 value encoder written
 *       here instead of JetCache's Java-serialization default; the encoder is not on the hit path).
 * </ul>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class NearCachePeerBenchmark {

  /** Number of distinct keys; a power of two so that a mask picks the next one. */
  static final int KEYS = 1 << 10;

  static final int LOCAL_LIMIT = 2 * KEYS;

  private static final Duration TTL = RawCaffeine.TTL;

  private BenchmarkRedis redis;
  private String[] keys;
  private com.github.benmanes.caffeine.cache.Cache<String, String> caffeine;
  private RedisInvalidationBus bus;
  private RedisCache<String, String> l2;
  private TieredCache<String, String> tiered;
  private RedissonClient redisson;
  private RLocalCachedMap<String, String> redissonMap;
  private RLocalCachedMap<String, String> redissonObjectKeyMap;
  private com.alicp.jetcache.Cache<String, String> jetCache;

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
  }

  @Setup(Level.Trial)
  public void start() {
    redis = BenchmarkRedis.start();
    RedisClient client = redis.client();

    caffeine = RawCaffeine.newCache(LOCAL_LIMIT);
    bus = RedisInvalidationBus.builder(client).build();
    l2 = RedisCache.builder(client).name("near-peer-benchmark").build();
    LocalCache<String, String> l1 =
        LocalCache.<String, String>builder()
            .name("near-peer-benchmark-l1")
            .maximumSize(LOCAL_LIMIT)
            .build();
    tiered = TieredCache.builder(l1, l2).bus(bus).keyCodec(KeyCodec.string()).l1Ttl(TTL).build();

    redisson = PeerClients.redisson(redis);
    redissonMap =
        redisson.getLocalCachedMap(
            LocalCachedMapOptions.<String, String>name("redisson-near")
                .codec(StringCodec.INSTANCE));
    redissonObjectKeyMap =
        redisson.getLocalCachedMap(
            LocalCachedMapOptions.<String, String>name("redisson-near-object-key")
                .codec(StringCodec.INSTANCE)
                .useObjectAsCacheKey(true));

    com.alicp.jetcache.Cache<Object, Object> jetLocal =
        CaffeineCacheBuilder.createCaffeineCacheBuilder()
            .limit(LOCAL_LIMIT)
            .expireAfterWrite(TTL.toMillis(), TimeUnit.MILLISECONDS)
            .keyConvertor(Function.identity())
            .buildCache();
    com.alicp.jetcache.Cache<Object, Object> jetRemote =
        RedisLettuceCacheBuilder.createRedisLettuceCacheBuilder()
            .redisClient(client)
            .keyPrefix("jetcache:")
            .keyConvertor(Function.identity())
            .valueEncoder(NearCachePeerBenchmark::encodeJetCacheValue)
            .valueDecoder(NearCachePeerBenchmark::decodeJetCacheValue)
            .expireAfterWrite(TTL.toMillis(), TimeUnit.MILLISECONDS)
            .buildCache();
    jetCache =
        MultiLevelCacheBuilder.createMultiLevelCacheBuilder()
            .addCache(jetLocal, jetRemote)
            .expireAfterWrite(TTL.toMillis(), TimeUnit.MILLISECONDS)
            .buildCache();

    keys = BenchmarkData.keys("near-key-", KEYS);
    BenchmarkData.writeEach(
        keys,
        (key, value) -> {
          caffeine.put(key, value);
          tiered.get(key, k -> value); // loads into L2 and L1
          redissonMap.fastPut(key, value);
          redissonObjectKeyMap.fastPut(key, value);
          jetCache.put(key, value);
        });
    for (String key : keys) { // a read after the write, as a reader in another process would
      redissonMap.get(key);
      redissonObjectKeyMap.get(key);
      jetCache.get(key);
    }
    BenchmarkData.requireHeld(l1.getAllPresent(Arrays.asList(keys)).size() == KEYS, "Strata's L1");
    BenchmarkData.requireHeld(redissonMap.getCachedMap().size() == KEYS, "Redisson's local cache");
    BenchmarkData.requireHeld(
        redissonObjectKeyMap.getCachedMap().size() == KEYS, "Redisson's local cache (object key)");
    BenchmarkData.requireHeld(jetLocal.get(keys[KEYS - 1]) != null, "JetCache's local cache");
  }

  /** JetCache's remote value: the holder's expiry time, then the string as UTF-8. */
  private static byte[] encodeJetCacheValue(Object holder) {
    CacheValueHolder<?> h = (CacheValueHolder<?>) holder;
    byte[] text = ((String) h.getValue()).getBytes(StandardCharsets.UTF_8);
    return ByteBuffer.allocate(Long.BYTES + text.length)
        .putLong(h.getExpireTime())
        .put(text)
        .array();
  }

  private static Object decodeJetCacheValue(byte[] bytes) {
    ByteBuffer buffer = ByteBuffer.wrap(bytes);
    long expireTime = buffer.getLong();
    String value = new String(bytes, Long.BYTES, bytes.length - Long.BYTES, StandardCharsets.UTF_8);
    CacheValueHolder<String> holder = new CacheValueHolder<>(value, 0);
    holder.setExpireTime(expireTime);
    return holder;
  }

  @TearDown(Level.Trial)
  public void stop() {
    tiered.close();
    l2.close();
    bus.close();
    jetCache.close();
    redisson.shutdown();
    redis.close();
  }

  @Benchmark
  public String rawCaffeineGetHit(Cursor cursor) {
    return caffeine.getIfPresent(keys[cursor.nextIndex()]);
  }

  @Benchmark
  public String tieredGetL1Hit(Cursor cursor) {
    return tiered.getIfPresent(keys[cursor.nextIndex()]);
  }

  @Benchmark
  public String redissonLocalCachedMapGet(Cursor cursor) {
    return redissonMap.get(keys[cursor.nextIndex()]);
  }

  @Benchmark
  public String redissonLocalCachedMapObjectKeyGet(Cursor cursor) {
    return redissonObjectKeyMap.get(keys[cursor.nextIndex()]);
  }

  @Benchmark
  public String jetCacheMultiLevelGet(Cursor cursor) {
    return jetCache.get(keys[cursor.nextIndex()]);
  }
}
