package dev.strata.cache;

import java.time.Duration;
import java.util.Map;
import java.util.OptionalLong;
import org.jspecify.annotations.Nullable;

/**
 * A cache of values by key: the contract every Strata cache implements, whether it lives in this
 * process or in Redis.
 *
 * <p><b>Nulls.</b> Keys and values are never null: a null key, value, loader or TTL is rejected
 * with a {@link NullPointerException} that names the argument. A {@link CacheLoader} that returns
 * {@code null} means "this key does not exist"; that answer is returned to the caller as {@code
 * null} and is not stored, unless the cache's {@link TtlPolicy} enables negative caching, in which
 * case an explicit "absent" entry is kept for the negative TTL and later lookups return {@code
 * null} without calling the loader again.
 *
 * <p><b>Concurrency.</b> Every implementation is safe for use by many threads at once. {@link
 * #get(Object, CacheLoader)} is single-flight: concurrent misses on one key in one process cause
 * one call to the loader, and all the callers receive its value or its exception. A load that
 * failed is not cached, so the next call loads again.
 *
 * <p><b>Failures.</b> A loader's exception reaches the caller: unchecked exceptions as they are,
 * checked ones wrapped in {@link CacheLoadException}. Implementations backed by a remote store may
 * degrade instead of failing (a shared cache that cannot reach its server answers reads as misses
 * and skips writes); each implementation documents what it does.
 *
 * <p><b>Expiry.</b> Entries live for the TTL that the cache's {@link TtlPolicy} gives them, or for
 * the TTL passed to {@link #put(Object, Object, Duration)}; an expired entry is never returned.
 *
 * @param <K> the key type
 * @param <V> the value type
 */
public interface Cache<K, V> {

  /**
   * Returns the name of this cache, as used in metrics, logs and (for shared caches) stored keys.
   *
   * @return the non-empty name given when the cache was built
   */
  String name();

  /**
   * Returns the value cached for {@code key}, or {@code null} when there is none (never cached,
   * expired, invalidated, or cached as absent). Never calls a loader.
   *
   * @param key the key to look up
   * @return the cached value, or {@code null}
   * @throws NullPointerException if {@code key} is null
   */
  @Nullable V getIfPresent(K key);

  /**
   * Returns the value cached for {@code key}, loading it with {@code loader} on a miss and caching
   * the result. Concurrent misses on the same key cause a single load.
   *
   * @param key the key to look up
   * @param loader computes the value on a miss; may return {@code null} for "does not exist"
   * @return the cached or loaded value, or {@code null} if the loader found nothing (or a negative
   *     entry is cached)
   * @throws NullPointerException if {@code key} or {@code loader} is null
   * @throws CacheLoadException if the loader threw a checked exception
   * @throws RuntimeException the loader's unchecked exception, unchanged
   */
  @Nullable V get(K key, CacheLoader<? super K, ? extends V> loader);

  /**
   * Returns the cached values of those of {@code keys} that are present. Shared caches fetch them
   * in one round trip.
   *
   * @param keys the keys to look up; duplicates are looked up once
   * @return a new map of the keys found to their values, without absent keys
   * @throws NullPointerException if {@code keys} or any key is null
   */
  Map<K, V> getAllPresent(Iterable<? extends K> keys);

  /**
   * Returns the values of all {@code keys}, loading the missing ones with one call to {@link
   * CacheLoader#loadAll(java.util.Set)} and caching what it returns. Keys that are neither cached
   * nor returned by the loader are absent from the result (and cached as absent if negative caching
   * is on).
   *
   * @param keys the keys to look up; duplicates are looked up once
   * @param loader loads the missing keys in bulk
   * @return a new map of every key found or loaded to its value
   * @throws NullPointerException if {@code keys}, any key, or {@code loader} is null
   * @throws CacheLoadException if the loader threw a checked exception
   */
  Map<K, V> getAll(Iterable<? extends K> keys, CacheLoader<? super K, ? extends V> loader);

  /**
   * Caches {@code value} for {@code key} with the default TTL of the cache's {@link TtlPolicy},
   * replacing any previous value or absent marker.
   *
   * @throws NullPointerException if {@code key} or {@code value} is null
   */
  void put(K key, V value);

  /**
   * Caches {@code value} for {@code key} for {@code ttl} (jitter of the {@link TtlPolicy} applies).
   *
   * @throws NullPointerException if any argument is null
   * @throws IllegalArgumentException if {@code ttl} is zero or negative
   */
  void put(K key, V value, Duration ttl);

  /**
   * Caches every entry of {@code entries} with the default TTL. Shared caches pipeline the writes.
   *
   * @throws NullPointerException if {@code entries} or any key or value in it is null
   */
  void putAll(Map<? extends K, ? extends V> entries);

  /**
   * Removes the entry for {@code key}, if any. A load of {@code key} that is in flight when this is
   * called may still complete, but its result is not returned by later lookups of a value that was
   * invalidated after it started.
   *
   * @throws NullPointerException if {@code key} is null
   */
  void invalidate(K key);

  /**
   * Removes the entries for {@code keys}.
   *
   * @throws NullPointerException if {@code keys} or any key is null
   */
  void invalidateAll(Iterable<? extends K> keys);

  /** Removes every entry of this cache (and only of this cache, for caches that share a store). */
  void invalidateAll();

  /**
   * Returns a snapshot of this cache's statistics since it was built.
   *
   * @return an immutable snapshot; never null
   */
  CacheStats stats();

  /**
   * Returns an estimate of how many entries this cache holds, when it can tell cheaply (for the
   * size gauge of metrics). The count may include entries that expired but were not yet removed.
   * The default answers "unknown"; shared caches whose store holds other data too usually do.
   *
   * @return the approximate number of entries, or empty when this cache cannot tell
   */
  default OptionalLong estimatedSize() {
    return OptionalLong.empty();
  }

  /**
   * Returns a view of this cache whose methods return {@link java.util.concurrent.CompletionStage}
   * instead of blocking. The view shares entries, loads in flight and statistics with this cache.
   *
   * @return the asynchronous view; the same instance on every call
   */
  AsyncCache<K, V> async();
}
