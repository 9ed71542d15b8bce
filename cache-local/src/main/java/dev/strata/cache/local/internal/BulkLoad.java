package dev.strata.cache.local.internal;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.jspecify.annotations.Nullable;

/**
 * The loads of one bulk lookup of a {@link CaffeineLocalCache}: the keys it loads itself ({@link
 * #mine}, led in the cache's single-flight) and the futures of every missing key, its own or those
 * of loads already in flight. Used by one thread at a time. Leading a key that the calling thread
 * is loading already (a recursive load) fails the keys led so far and throws the {@link
 * IllegalStateException}.
 *
 * @param <K> the key type
 * @param <V> the value type
 */
final class BulkLoad<K, V> {

  final Map<K, CompletableFuture<@Nullable Object>> all = new LinkedHashMap<>();
  final Map<K, CompletableFuture<@Nullable Object>> mine = new LinkedHashMap<>();
  private final Map<K, Long> startStamps = new LinkedHashMap<>();
  private final CaffeineLocalCache<K, V> cache;

  BulkLoad(CaffeineLocalCache<K, V> cache, Set<K> missing) {
    this.cache = cache;
    for (K key : missing) {
      CompletableFuture<@Nullable Object> future = new CompletableFuture<>();
      CompletableFuture<@Nullable Object> running;
      try {
        running = cache.flights.lead(key, future);
      } catch (IllegalStateException recursive) {
        fail(recursive);
        throw recursive;
      }
      if (running != null) {
        all.put(key, running);
        continue;
      }
      all.put(key, future);
      Object stored = cache.caffeine.getIfPresent(key);
      if (stored != null) {
        cache.flights.complete(key, future, stored);
      } else {
        mine.put(key, future);
        startStamps.put(key, cache.stamps.stamp(key));
      }
    }
  }

  /**
   * Fills the cache with what the loader found (negative entries for the rest) and ends the loads.
   */
  void complete(Map<?, ? extends V> loaded) {
    mine.forEach(
        (key, future) -> {
          V value = loaded.get(key);
          Object stored = value != null ? value : cache.absent;
          cache.fill(key, stored, startStamps.get(key));
          cache.flights.complete(key, future, stored);
        });
  }

  /** Tells that this thread no longer runs the loads it leads (they go on asynchronously). */
  void handOff() {
    mine.forEach((key, future) -> cache.flights.handOff(key, future));
  }

  /** Ends the loads with the loader's failure. */
  void fail(Throwable failure) {
    mine.forEach((key, future) -> cache.flights.fail(key, future, failure));
  }
}
