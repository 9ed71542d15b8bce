package dev.strata.cache.strategy;

import dev.strata.cache.Cache;
import dev.strata.cache.CacheLoader;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The cache-aside pattern in one call: look in the cache, load from the system of record on a miss,
 * fill the cache. The application keeps writing to its database itself and calls {@link
 * #evict(Object)} after each change, so the next read loads the new value.
 *
 * <pre>{@code
 * CacheAside<Long, User> users = CacheAside.of(cache, id -> userDao.find(id));
 * User u = users.get(42L);        // cached, or loaded and cached
 * userDao.update(changed);
 * users.evict(changed.id());       // next get loads the new row
 * }</pre>
 *
 * <p>Loads go through {@link Cache#get(Object, CacheLoader)}, so concurrent misses on a key cause
 * one load. Thread-safe; nulls and failures are those of {@link Cache}.
 *
 * @param <K> the key type
 * @param <V> the value type
 */
public final class CacheAside<K, V> {

  private final Cache<K, V> cache;
  private final CacheLoader<? super K, ? extends V> loader;

  private CacheAside(Cache<K, V> cache, CacheLoader<? super K, ? extends V> loader) {
    this.cache = cache;
    this.loader = loader;
  }

  /**
   * Returns the cache-aside access to {@code cache}, loading misses with {@code loader}.
   *
   * @param cache the cache
   * @param loader reads the system of record
   * @param <K> the key type
   * @param <V> the value type
   * @return the helper
   * @throws NullPointerException if an argument is null
   */
  public static <K, V> CacheAside<K, V> of(
      Cache<K, V> cache, CacheLoader<? super K, ? extends V> loader) {
    return new CacheAside<>(
        Objects.requireNonNull(cache, "cache must not be null"),
        Objects.requireNonNull(loader, "loader must not be null"));
  }

  /**
   * Returns the cached value of {@code key}, or loads it, caches it and returns it.
   *
   * @param key the key; not null
   * @return the value, or {@code null} if the loader found nothing
   * @throws NullPointerException if {@code key} is null
   * @throws dev.strata.cache.CacheLoadException if the loader threw a checked exception
   */
  public @Nullable V get(K key) {
    return cache.get(key, loader);
  }

  /**
   * Returns the values of {@code keys}, loading the missing ones with one bulk load.
   *
   * @param keys the keys
   * @return the keys found or loaded and their values
   */
  public Map<K, V> getAll(Iterable<? extends K> keys) {
    return cache.getAll(keys, loader);
  }

  /**
   * Drops the cached value of {@code key}: call it after changing the record in the system of
   * record.
   *
   * @param key the key whose record changed
   */
  public void evict(K key) {
    cache.invalidate(key);
  }

  /**
   * Returns the cache behind this helper.
   *
   * @return the cache
   */
  public Cache<K, V> cache() {
    return cache;
  }
}
