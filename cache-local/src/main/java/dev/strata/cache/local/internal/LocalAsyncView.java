package dev.strata.cache.local.internal;

import dev.strata.cache.AsyncCache;
import dev.strata.cache.local.LocalCache;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * The {@link AsyncCache} view of a {@link CaffeineLocalCache}: same entries, same loads in flight,
 * same statistics. A load's stage is started in the calling thread, which then hands the load off
 * (it may wait for it like any other caller).
 *
 * @param <K> the key type
 * @param <V> the value type
 */
final class LocalAsyncView<K, V> implements AsyncCache<K, V> {

  private final CaffeineLocalCache<K, V> cache;

  LocalAsyncView(CaffeineLocalCache<K, V> cache) {
    this.cache = cache;
  }

  @Override
  public CompletionStage<@Nullable V> getIfPresent(K key) {
    return CompletableFuture.completedFuture(cache.getIfPresent(key));
  }

  @Override
  public CompletionStage<@Nullable V> get(
      K key, Function<? super K, ? extends CompletionStage<? extends @Nullable V>> loader) {
    Objects.requireNonNull(key, CaffeineLocalCache.KEY_NULL);
    Objects.requireNonNull(loader, "loader must not be null");
    Object value = cache.caffeine.getIfPresent(key);
    if (value != null) {
      cache.stats.recordHits(1);
      return CompletableFuture.completedFuture(cache.valueOf(value));
    }
    cache.stats.recordMisses(1);
    CompletableFuture<@Nullable Object> mine = new CompletableFuture<>();
    CompletableFuture<@Nullable Object> running;
    try {
      running = cache.flights.lead(key, mine);
    } catch (IllegalStateException recursive) {
      return CompletableFuture.failedFuture(recursive);
    }
    if (running == null) {
      startLoad(key, loader, mine);
      running = mine;
    }
    return running.handle(
        (stored, error) -> {
          if (error != null) {
            throw new CompletionException(CaffeineLocalCache.unwrap(error));
          }
          return cache.valueOf(stored);
        });
  }

  private void startLoad(
      K key,
      Function<? super K, ? extends CompletionStage<? extends @Nullable V>> loader,
      CompletableFuture<@Nullable Object> mine) {
    Object present = cache.caffeine.getIfPresent(key);
    if (present != null) {
      cache.flights.complete(key, mine, present);
      return;
    }
    long stamp = cache.stamps.stamp(key);
    long start = System.nanoTime();
    CompletionStage<? extends @Nullable V> stage;
    try {
      stage = Objects.requireNonNull(loader.apply(key), "the loader returned a null stage");
    } catch (Throwable t) {
      cache.stats.recordLoadFailure(System.nanoTime() - start);
      cache.flights.fail(key, mine, t);
      return;
    }
    cache.flights.handOff(key, mine);
    stage.whenComplete(
        (value, error) -> {
          if (error != null) {
            cache.stats.recordLoadFailure(System.nanoTime() - start);
            cache.flights.fail(key, mine, CaffeineLocalCache.unwrap(error));
            return;
          }
          cache.stats.recordLoadSuccess(System.nanoTime() - start);
          Object stored = value != null ? value : cache.absent;
          cache.fill(key, stored, stamp);
          cache.flights.complete(key, mine, stored);
        });
  }

  @Override
  public CompletionStage<Map<K, V>> getAllPresent(Iterable<? extends K> keys) {
    return CompletableFuture.completedFuture(cache.getAllPresent(keys));
  }

  @Override
  public CompletionStage<Map<K, V>> getAll(
      Iterable<? extends K> keys,
      Function<? super Set<K>, ? extends CompletionStage<? extends Map<? extends K, ? extends V>>>
          loader) {
    Objects.requireNonNull(keys, "keys must not be null");
    Objects.requireNonNull(loader, "loader must not be null");
    Map<K, V> result = new LinkedHashMap<>();
    Set<K> missing = cache.lookUp(keys, result);
    if (missing.isEmpty()) {
      return CompletableFuture.completedFuture(result);
    }
    BulkLoad<K, V> bulk;
    try {
      bulk = new BulkLoad<>(cache, missing);
    } catch (IllegalStateException recursive) {
      return CompletableFuture.failedFuture(recursive);
    }
    if (!bulk.mine.isEmpty()) {
      long start = System.nanoTime();
      CompletionStage<? extends Map<? extends K, ? extends V>> stage;
      try {
        stage =
            Objects.requireNonNull(
                loader.apply(Collections.unmodifiableSet(bulk.mine.keySet())),
                "the loader returned a null stage");
      } catch (Throwable t) {
        cache.stats.recordLoadFailure(System.nanoTime() - start);
        bulk.fail(t);
        return CompletableFuture.failedFuture(t);
      }
      bulk.handOff();
      stage.whenComplete(
          (loaded, error) -> {
            if (error != null || loaded == null) {
              cache.stats.recordLoadFailure(System.nanoTime() - start);
              bulk.fail(
                  error != null
                      ? CaffeineLocalCache.unwrap(error)
                      : new NullPointerException("the loader's map was null"));
            } else {
              cache.stats.recordLoadSuccess(System.nanoTime() - start);
              bulk.complete(loaded);
            }
          });
    }
    return CompletableFuture.allOf(bulk.all.values().toArray(new CompletableFuture<?>[0]))
        .handle(
            (ignored, error) -> {
              if (error != null) {
                throw new CompletionException(CaffeineLocalCache.unwrap(error));
              }
              bulk.all.forEach(
                  (key, future) -> {
                    Object stored = future.join();
                    if (stored != null && stored != AbsentValue.INSTANCE) {
                      result.put(key, cache.cast(stored));
                    }
                  });
              return result;
            });
  }

  @Override
  public CompletionStage<Void> put(K key, V value) {
    cache.put(key, value);
    return CompletableFuture.completedFuture(null);
  }

  @Override
  public CompletionStage<Void> put(K key, V value, Duration ttl) {
    cache.put(key, value, ttl);
    return CompletableFuture.completedFuture(null);
  }

  @Override
  public CompletionStage<Void> putAll(Map<? extends K, ? extends V> entries) {
    cache.putAll(entries);
    return CompletableFuture.completedFuture(null);
  }

  @Override
  public CompletionStage<Void> invalidate(K key) {
    cache.invalidate(key);
    return CompletableFuture.completedFuture(null);
  }

  @Override
  public CompletionStage<Void> invalidateAll(Iterable<? extends K> keys) {
    cache.invalidateAll(keys);
    return CompletableFuture.completedFuture(null);
  }

  @Override
  public CompletionStage<Void> invalidateAll() {
    cache.invalidateAll();
    return CompletableFuture.completedFuture(null);
  }

  @Override
  public LocalCache<K, V> synchronous() {
    return cache;
  }

  @Override
  public String toString() {
    return "AsyncView of " + cache;
  }
}
