package dev.strata.cache.redis;

import dev.strata.cache.redis.internal.GuardedRedisCommands;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.jspecify.annotations.Nullable;

/**
 * The writes of a {@link RedisCache}, blocking and non-blocking: puts (a put whose SET failed
 * removes the old value) and invalidations (tombstones, or a scan of the cache's sub-space). Each
 * first moves the stamps of its keys under the fill lock, so no load of this process that started
 * before it fills afterwards, and detaches those loads, so no lookup after it joins them.
 * Thread-safe (stateless apart from the cache).
 */
final class RedisCacheWrites<K, V> {

  private final RedisCache<K, V> cache;

  RedisCacheWrites(RedisCache<K, V> cache) {
    this.cache = cache;
  }

  CompletableFuture<Void> putAsync(K key, V value, @Nullable Duration ttl) {
    RedisCache.requireKey(key);
    Objects.requireNonNull(value, "value must not be null");
    byte[] redisKey = cache.layout.redisKey(key);
    byte[] stored = cache.entries.encode(key, value);
    Duration effective =
        ttl == null ? cache.ttlPolicy.nextDefaultTtl() : cache.ttlPolicy.applyJitter(ttl);
    invalidated(List.of(key));
    GuardedRedisCommands redis = cache.redis;
    return redis
        .setAllAsync(
            List.of(redisKey), List.of(stored), new long[] {RedisCache.millis(effective)}, false)
        .thenCompose(
            ok -> ok ? CompletableFuture.completedFuture(null) : redis.unlinkAsync(redisKey));
  }

  CompletableFuture<Void> putAllAsync(Map<? extends K, ? extends V> entries) {
    Objects.requireNonNull(entries, "entries must not be null");
    int size = entries.size();
    List<byte[]> redisKeys = new ArrayList<>(size);
    List<byte[]> stored = new ArrayList<>(size);
    long[] ttls = new long[size];
    int i = 0;
    for (Map.Entry<? extends K, ? extends V> entry : entries.entrySet()) {
      K key = Objects.requireNonNull(entry.getKey(), "entries must not contain a null key");
      V value = Objects.requireNonNull(entry.getValue(), () -> "value for key " + key + " is null");
      redisKeys.add(cache.layout.redisKey(key));
      stored.add(cache.entries.encode(key, value));
      ttls[i++] = RedisCache.millis(cache.ttlPolicy.nextDefaultTtl());
    }
    if (size == 0) {
      return CompletableFuture.completedFuture(null);
    }
    invalidated(entries.keySet());
    GuardedRedisCommands redis = cache.redis;
    return redis
        .setAllAsync(redisKeys, stored, ttls, false)
        .thenCompose(
            ok ->
                ok
                    ? CompletableFuture.completedFuture(null)
                    : redis.unlinkAsync(redisKeys.toArray(new byte[0][])));
  }

  CompletableFuture<Void> invalidateAsync(K key) {
    byte[] redisKey = cache.layout.redisKey(RedisCache.requireKey(key));
    invalidated(List.of(key));
    return cache.leasedFill.tombstone(redisKey);
  }

  CompletableFuture<Void> invalidateAllAsync(Iterable<? extends K> keys) {
    List<K> distinct = cache.bulk.distinctKeys(keys);
    if (distinct.isEmpty()) {
      return CompletableFuture.completedFuture(null);
    }
    byte[][] redisKeys = cache.bulk.redisKeys(distinct);
    invalidated(distinct);
    return cache.leasedFill.tombstone(redisKeys);
  }

  CompletableFuture<Void> invalidateEverythingAsync() {
    cache.fillLock.writeLock().lock();
    try {
      cache.stamps.invalidatedAll();
    } finally {
      cache.fillLock.writeLock().unlock();
    }
    cache.singleFlight.detachAll();
    return cache.redis.unlinkMatchingAsync(cache.layout.scanPattern(), cache.layout::owns);
  }

  /**
   * Moves the stamps of keys about to be put or invalidated, so no older fill of them lands, then
   * detaches their loads in flight, so a lookup after the write starts a new load instead of
   * joining one that may have read the old value. A detached load keeps its lease: the write about
   * to be sent replaces it in Redis (a value or a tombstone), which ends the waits for it.
   */
  private void invalidated(Iterable<? extends K> keys) {
    cache.fillLock.writeLock().lock();
    try {
      for (K key : keys) {
        cache.stamps.invalidated(key);
      }
    } finally {
      cache.fillLock.writeLock().unlock();
    }
    for (K key : keys) {
      cache.singleFlight.detach(key);
    }
  }

  /** Waits for a write, rethrowing its failure as it is (not wrapped). */
  static void await(CompletableFuture<Void> future) {
    try {
      future.join();
    } catch (CompletionException e) {
      if (e.getCause() instanceof RuntimeException cause) {
        throw cause;
      }
      throw e;
    }
  }
}
