/**
 * The shared Strata cache on Redis through Lettuce: {@code RedisCache}, the two-level {@link
 * dev.strata.cache.redis.TieredCache} (a local L1 in front of Redis), cross-node invalidation over
 * Redis pub/sub ({@link dev.strata.cache.redis.RedisInvalidationBus}) and version counters held in
 * Redis ({@link dev.strata.cache.redis.RedisVersionStore}).
 */
@NullMarked
package dev.strata.cache.redis;

import org.jspecify.annotations.NullMarked;
