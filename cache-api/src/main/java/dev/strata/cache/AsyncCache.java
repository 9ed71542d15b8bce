package dev.strata.cache;

import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * The non-blocking view of a {@link Cache}, obtained with {@link Cache#async()}. Every method
 * returns at once; the outcome arrives in the returned {@link CompletionStage}. Shared caches
 * complete those stages from their I/O threads: do not block in a dependent stage, hand long work
 * to an executor.
 *
 * <p>Nulls, single-flight loading, negative caching and failure behaviour are those of {@link
 * Cache}; a synchronous argument error (a null key, say) is thrown at once rather than delivered in
 * the stage. Safe for use by many threads at once.
 *
 * @param <K> the key type
 * @param <V> the value type
 */
public interface AsyncCache<K, V> {

  /**
   * Looks up {@code key} without loading.
   *
   * @return a stage completed with the cached value, or with {@code null} when there is none
   */
  CompletionStage<@Nullable V> getIfPresent(K key);

  /**
   * Looks up {@code key}, loading it with {@code loader} on a miss. Concurrent misses on the same
   * key in this process share one load. The loader's stage may complete with {@code null} for "does
   * not exist".
   *
   * @return a stage completed with the cached or loaded value (or {@code null}), or exceptionally
   *     with the loader's failure
   */
  CompletionStage<@Nullable V> get(
      K key, Function<? super K, ? extends CompletionStage<? extends @Nullable V>> loader);

  /** Looks up several keys at once (one round trip for shared caches). */
  CompletionStage<Map<K, V>> getAllPresent(Iterable<? extends K> keys);

  /**
   * Looks up several keys, loading the missing ones with one call to {@code loader}, whose map may
   * leave out keys that do not exist.
   */
  CompletionStage<Map<K, V>> getAll(
      Iterable<? extends K> keys,
      Function<? super Set<K>, ? extends CompletionStage<? extends Map<? extends K, ? extends V>>>
          loader);

  /** Caches {@code value} for {@code key} with the default TTL. */
  CompletionStage<Void> put(K key, V value);

  /** Caches {@code value} for {@code key} for {@code ttl}. */
  CompletionStage<Void> put(K key, V value, Duration ttl);

  /** Caches every entry of {@code entries} with the default TTL. */
  CompletionStage<Void> putAll(Map<? extends K, ? extends V> entries);

  /** Removes the entry for {@code key}, if any. */
  CompletionStage<Void> invalidate(K key);

  /** Removes the entries for {@code keys}. */
  CompletionStage<Void> invalidateAll(Iterable<? extends K> keys);

  /** Removes every entry of this cache. */
  CompletionStage<Void> invalidateAll();

  /**
   * Returns the blocking view of the same cache.
   *
   * @return the cache this view was obtained from
   */
  Cache<K, V> synchronous();
}
