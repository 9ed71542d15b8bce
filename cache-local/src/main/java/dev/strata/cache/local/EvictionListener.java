package dev.strata.cache.local;

/**
 * Told about every value a {@link LocalCache} evicts because of its size bound or its TTL. Explicit
 * invalidations and replacements by {@code put} are not evictions and are not reported, nor are the
 * cache's internal "absent" entries of negative caching.
 *
 * <p>The cache calls the listener synchronously from the thread that performs its maintenance (a
 * caller's thread or the cache's executor), so it must be fast and thread-safe. An exception thrown
 * by the listener is logged and otherwise ignored; it never affects the cache or its callers.
 *
 * @param <K> the key type
 * @param <V> the value type
 */
@FunctionalInterface
public interface EvictionListener<K, V> {

  /**
   * Called after {@code key} was evicted.
   *
   * @param key the evicted key; never null
   * @param value the evicted value; never null
   * @param cause why it was evicted; never null
   */
  void onEviction(K key, V value, EvictionCause cause);
}
