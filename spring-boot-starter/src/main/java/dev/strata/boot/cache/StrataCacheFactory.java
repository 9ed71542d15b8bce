package dev.strata.boot.cache;

import dev.strata.cache.Cache;
import dev.strata.cache.KeyCodec;
import dev.strata.cache.TtlPolicy;
import dev.strata.cache.invalidation.InvalidationBus;
import dev.strata.cache.local.LocalCache;
import dev.strata.cache.redis.RedisCache;
import dev.strata.cache.redis.TieredCache;
import dev.strata.cache.redis.ValueCodec;
import io.lettuce.core.RedisClient;
import java.time.Duration;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.CopyOnWriteArrayList;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Builds the Strata cache of one name from its {@link CacheSettings}. Thread-safe. */
final class StrataCacheFactory {

  private static final Logger LOG = LoggerFactory.getLogger(StrataCacheFactory.class);

  private final StrataCacheProperties properties;
  private final @Nullable RedisParts redis;
  private final Deque<AutoCloseable> closeables = new ConcurrentLinkedDeque<>();
  private final List<RedisCache<String, Object>> redisCaches = new CopyOnWriteArrayList<>();

  /**
   * The Redis pieces of Redis-backed caches.
   *
   * @param client the shared client (caches open their own connections of it)
   * @param bus the invalidation bus of tiered caches
   * @param codec the value codec
   * @param commandTimeout the command timeout of each cache
   */
  record RedisParts(
      RedisClient client, InvalidationBus bus, ValueCodec<Object> codec, Duration commandTimeout) {}

  StrataCacheFactory(StrataCacheProperties properties, @Nullable RedisParts redis) {
    this.properties = properties;
    this.redis = redis;
    // fail at startup on bad defaults, not at the first use of an unlisted cache
    CacheSettings.resolve("\u0000defaults", properties, redis != null);
  }

  StrataSpringCache create(String name) {
    CacheSettings settings = CacheSettings.resolve(name, properties, redis != null);
    Cache<String, Object> cache =
        switch (settings.mode()) {
          case LOCAL -> local(settings, settings.ttl());
          case REDIS -> redis(settings);
          case TIERED -> tiered(settings);
          case AUTO -> throw new IllegalStateException("mode not resolved");
        };
    return new StrataSpringCache(cache, properties.isAllowNullValues(), settings.negativeTtl());
  }

  private static LocalCache<String, Object> local(CacheSettings settings, TtlPolicy ttl) {
    return LocalCache.<String, Object>builder()
        .name(settings.name())
        .maximumSize(settings.maximumSize())
        .ttl(ttl)
        .loadTimeout(settings.loadTimeout())
        .build();
  }

  private RedisCache<String, Object> redis(CacheSettings settings) {
    RedisParts parts = requireRedis();
    RedisCache<String, Object> cache =
        RedisCache.builder(parts.client())
            .name(settings.name())
            .keyPrefix(properties.getKeyPrefix())
            .valueCodec(parts.codec())
            .ttl(settings.ttl())
            .commandTimeout(parts.commandTimeout())
            .loadTimeout(settings.loadTimeout())
            .leaseDuration(settings.leaseDuration())
            .leaseMaxWait(settings.leaseMaxWait())
            .tombstoneTtl(settings.tombstoneTtl())
            .earlyRefresh(settings.earlyRefreshBeta())
            .build();
    closeables.addFirst(cache);
    redisCaches.add(cache);
    return cache;
  }

  private Cache<String, Object> tiered(CacheSettings settings) {
    RedisParts parts = requireRedis();
    RedisCache<String, Object> l2 = redis(settings);
    LocalCache<String, Object> l1 = local(settings, TtlPolicy.of(settings.localTtl()));
    TieredCache<String, Object> tiered =
        TieredCache.builder(l1, l2)
            .name(settings.name())
            .bus(parts.bus())
            .keyCodec(KeyCodec.string())
            .l1Ttl(settings.localTtl())
            .loadTimeout(settings.loadTimeout())
            .build();
    closeables.addFirst(tiered);
    return tiered;
  }

  /**
   * Returns the Redis caches built so far (alone or as the shared level of a tiered cache).
   *
   * @return a snapshot
   */
  List<RedisCache<String, Object>> redisCaches() {
    return List.copyOf(redisCaches);
  }

  /** Closes every cache built, tiered caches before their Redis level. */
  void close() {
    for (AutoCloseable closeable : closeables) {
      try {
        closeable.close();
      } catch (Exception e) {
        LOG.warn("Closing {} failed: {}", closeable, e.toString());
      }
    }
    closeables.clear();
  }

  private RedisParts requireRedis() {
    if (redis == null) {
      throw new IllegalStateException("Redis is not configured");
    }
    return redis;
  }
}
