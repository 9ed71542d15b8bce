package dev.strata.cache;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Loads values from the system of record (a database, a service) when a cache misses.
 *
 * <p>Implementations must be safe for use by many threads at once: a cache calls its loader from
 * the threads of its callers. A loader may throw; the exception reaches the caller(s) waiting for
 * that load and nothing is cached.
 *
 * @param <K> the key type
 * @param <V> the value type
 */
@FunctionalInterface
public interface CacheLoader<K, V> {

  /**
   * Loads the value for {@code key}.
   *
   * @param key the key that missed; never null
   * @return the value, or {@code null} if no value exists for {@code key}
   * @throws Exception if the value could not be loaded
   */
  @Nullable V load(K key) throws Exception;

  /**
   * Loads the values for several keys at once. Caches call this with only the keys that missed. The
   * default calls {@link #load(Object)} for each key; override it to use a bulk query.
   *
   * @param keys the keys that missed; never null, never empty, never containing null
   * @return a map of the keys that exist to their values; keys that do not exist are left out. Keys
   *     that were not asked for are ignored.
   * @throws Exception if the values could not be loaded
   */
  default Map<K, V> loadAll(Set<? extends K> keys) throws Exception {
    Map<K, V> result = new HashMap<>(Math.max(4, keys.size() * 2));
    for (K key : keys) {
      V value = load(key);
      if (value != null) {
        result.put(key, value);
      }
    }
    return result;
  }
}
