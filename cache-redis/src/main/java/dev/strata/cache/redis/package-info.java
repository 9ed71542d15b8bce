/**
 * The shared Strata cache on Redis through Lettuce.
 *
 * <p>{@link dev.strata.cache.redis.RedisCache} implements {@link dev.strata.cache.Cache} on one
 * thread-safe Lettuce connection to a single Redis (standalone or Sentinel-managed) or a Redis
 * Cluster. Values are turned into bytes by a {@link dev.strata.cache.redis.ValueCodec} (UTF-8
 * strings, raw bytes, or JSON through Jackson with {@link dev.strata.cache.redis.JsonValueCodec});
 * no Java native serialization is used anywhere. When Redis is slow or down the cache degrades:
 * reads become misses and writes are skipped, behind a Resilience4j circuit breaker.
 *
 * <p>The two-level {@code TieredCache} puts a local L1 in front of Redis, cross-node invalidation
 * travels over Redis pub/sub ({@code RedisInvalidationBus}), and version counters are held in Redis
 * ({@code RedisVersionStore}).
 *
 * <p>Everything in this package is non-null unless annotated {@code @Nullable}.
 */
@NullMarked
package dev.strata.cache.redis;

import org.jspecify.annotations.NullMarked;
