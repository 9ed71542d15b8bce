package dev.strata.cache.redis;

import dev.strata.cache.AsyncCache;
import dev.strata.cache.Cache;
import dev.strata.cache.redis.internal.LeasedFill;
import dev.strata.cache.redis.internal.StoredEntries;
import dev.strata.cache.spi.SingleFlight;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/** The non-blocking view; shares everything with the enclosing cache. */
final class RedisCacheAsyncView<K, V> implements AsyncCache<K, V> {

  private final RedisCache<K, V> cache;

  /**
   * The keys whose loader function the current thread is running (innermost last), or null: a
   * {@code get} of one of them from inside its loader that misses fails at once.
   */
  private final ThreadLocal<@Nullable List<Object>> loading = new ThreadLocal<>();

  RedisCacheAsyncView(RedisCache<K, V> cache) {
    this.cache = cache;
  }

  @Override
  public CompletionStage<@Nullable V> getIfPresent(K key) {
    byte[] redisKey = cache.layout.redisKey(RedisCache.requireKey(key));
    return cache
        .redis
        .getAsync(redisKey)
        .thenApply(stored -> cache.countAndUnwrap(cache.entries.decode(redisKey, stored)));
  }

  @Override
  public CompletionStage<@Nullable V> get(
      K key, Function<? super K, ? extends CompletionStage<? extends @Nullable V>> loader) {
    RedisCache.requireKey(key);
    Objects.requireNonNull(loader, "loader must not be null");
    byte[] redisKey = cache.layout.redisKey(key);
    boolean recursive = loadingHere(key);
    return cache
        .redis
        .getAsync(redisKey)
        .thenCompose(
            stored -> {
              Object found = cache.entries.decode(redisKey, stored);
              if (found != StoredEntries.MISS) {
                EarlyRefresh<K, V> early = cache.earlyRefresh;
                if (early != null && stored != null && early.due(stored)) {
                  early.refreshAsync(key, redisKey, stored, loader);
                }
                return CompletableFuture.completedFuture(cache.countAndUnwrap(found));
              }
              cache.stats.recordMisses(1);
              if (recursive) {
                return CompletableFuture.failedFuture(recursiveLoad());
              }
              return loadOnce(key, redisKey, loader);
            });
  }

  /**
   * Whether the calling thread is inside this view's loader function for {@code key}. The loader
   * function runs on a Lettuce thread after the lease step, not on the thread that led the single
   * flight, so {@link SingleFlight#lead} cannot tell a loader asking for its own key from another
   * caller: it would join its own load and wait for itself.
   */
  private boolean loadingHere(K key) {
    List<Object> keys = loading.get();
    return keys != null && keys.contains(key);
  }

  private IllegalStateException recursiveLoad() {
    return new IllegalStateException(
        "cache '"
            + cache.name()
            + "': recursive load: the loader of a key asked the same cache for the same key from"
            + " the thread that is loading it, which would wait for itself forever");
  }

  /** Calls the loader function for {@code key}, marking the thread as loading it meanwhile. */
  private CompletionStage<? extends @Nullable V> applyLoader(
      K key, Function<? super K, ? extends CompletionStage<? extends @Nullable V>> loader) {
    List<Object> keys = loading.get();
    if (keys == null) {
      keys = new ArrayList<>(1);
      loading.set(keys);
    }
    keys.add(key);
    try {
      return loader.apply(key);
    } finally {
      keys.remove(keys.size() - 1);
      if (keys.isEmpty()) {
        loading.remove();
      }
    }
  }

  /**
   * Loads one key after a miss, or joins this process's load of it in flight (single flight, shared
   * with the blocking {@code get}).
   */
  private CompletableFuture<@Nullable V> loadOnce(
      K key,
      byte[] redisKey,
      Function<? super K, ? extends CompletionStage<? extends @Nullable V>> loader) {
    SingleFlight<K, V> flight = cache.singleFlight;
    CompletableFuture<@Nullable V> mine = new CompletableFuture<>();
    CompletableFuture<@Nullable V> running;
    try {
      running = flight.lead(key, mine);
    } catch (IllegalStateException recursive) {
      return CompletableFuture.failedFuture(recursive);
    }
    if (running != null) {
      return running.thenApply(v -> v);
    }
    try {
      CompletableFuture<@Nullable V> load = loadAndFill(key, redisKey, loader, mine);
      flight.handOff(key, mine);
      load.whenComplete(
          (value, error) -> {
            if (error != null) {
              flight.fail(key, mine, unwrap(error));
            } else {
              flight.complete(key, mine, value);
            }
          });
    } catch (Throwable t) {
      flight.fail(key, mine, t);
    }
    return mine.thenApply(v -> v);
  }

  private static Throwable unwrap(Throwable error) {
    return error instanceof CompletionException && error.getCause() != null
        ? error.getCause()
        : error;
  }

  private CompletableFuture<@Nullable V> loadAndFill(
      K key,
      byte[] redisKey,
      Function<? super K, ? extends CompletionStage<? extends @Nullable V>> loader,
      CompletableFuture<@Nullable V> mine) {
    long stamp = cache.stamps.stamp(key);
    return cache
        .leaseWaits
        .acquireOrWaitAsync(redisKey, cache.leaseMaxWait)
        .thenCompose(
            lease -> {
              cache.leases.releaseOnTimeout(mine, redisKey, lease);
              Object found = cache.leases.foundWhileLeasing(redisKey, lease);
              if (found != StoredEntries.MISS) {
                return CompletableFuture.completedFuture(StoredEntries.<V>unwrap(found));
              }
              return loadAndFill(key, redisKey, loader, stamp, lease);
            });
  }

  private CompletableFuture<@Nullable V> loadAndFill(
      K key,
      byte[] redisKey,
      Function<? super K, ? extends CompletionStage<? extends @Nullable V>> loader,
      long stamp,
      LeasedFill.Acquired lease) {
    long start = System.nanoTime();
    CompletionStage<? extends @Nullable V> stage;
    try {
      stage = Objects.requireNonNull(applyLoader(key, loader), "the loader returned a null stage");
    } catch (Throwable t) {
      cache.stats.recordLoadFailure(System.nanoTime() - start);
      cache.leasedFill.release(redisKey, lease);
      return CompletableFuture.failedFuture(t);
    }
    CompletableFuture<@Nullable V> result = new CompletableFuture<>();
    stage.whenComplete(
        (value, error) -> {
          if (error != null) {
            cache.stats.recordLoadFailure(System.nanoTime() - start);
            cache.leasedFill.release(redisKey, lease);
            result.completeExceptionally(error);
            return;
          }
          long loadNanos = System.nanoTime() - start;
          cache.stats.recordLoadSuccess(loadNanos);
          cache
              .leases
              .fill(
                  List.of(key),
                  List.of(redisKey),
                  Collections.singletonList(value),
                  List.of(lease),
                  new long[] {stamp},
                  loadNanos)
              .whenComplete((ok, ignored) -> result.complete(value));
        });
    return result;
  }

  @Override
  public CompletionStage<Map<K, V>> getAllPresent(Iterable<? extends K> keys) {
    Map<K, V> result = cache.bulk.newResult(keys);
    List<K> distinct = cache.bulk.distinctKeys(keys, result);
    if (distinct.isEmpty()) {
      return CompletableFuture.completedFuture(result);
    }
    byte[][] redisKeys = cache.bulk.redisKeys(distinct);
    return cache
        .redis
        .mgetAsync(redisKeys, cache.entries.codec())
        .thenApply(
            answers -> {
              cache.bulk.collect(distinct, redisKeys, answers, result, null);
              return result;
            });
  }

  @Override
  public CompletionStage<Map<K, V>> getAll(
      Iterable<? extends K> keys,
      Function<? super Set<K>, ? extends CompletionStage<? extends Map<? extends K, ? extends V>>>
          loader) {
    Map<K, V> result = cache.bulk.newResult(keys);
    List<K> distinct = cache.bulk.distinctKeys(keys, result);
    Objects.requireNonNull(loader, "loader must not be null");
    if (distinct.isEmpty()) {
      return CompletableFuture.completedFuture(result);
    }
    byte[][] redisKeys = cache.bulk.redisKeys(distinct);
    return cache
        .redis
        .mgetAsync(redisKeys, cache.entries.codec())
        .thenCompose(
            answers -> {
              Map<K, byte[]> missing = new LinkedHashMap<>();
              cache.bulk.collect(distinct, redisKeys, answers, result, missing);
              if (missing.isEmpty()) {
                return CompletableFuture.completedFuture(result);
              }
              return leaseAndLoad(missing, result, loader);
            });
  }

  /**
   * Takes the leases of the missing keys, loads those it holds (and those Redis could not lease) at
   * once and, meanwhile, waits for the fills of the keys whose lease another caller holds; the keys
   * whose wait ended without a value are loaded when the waits are over.
   */
  private CompletableFuture<Map<K, V>> leaseAndLoad(
      Map<K, byte[]> missing,
      Map<K, V> result,
      Function<? super Set<K>, ? extends CompletionStage<? extends Map<? extends K, ? extends V>>>
          loader) {
    long[] loadStamps = cache.bulk.stampsOf(missing.keySet());
    return cache
        .leasedFill
        .acquireAll(new ArrayList<>(missing.values()))
        .thenCompose(
            leaseAnswers -> {
              Map<K, LeasedFill.Acquired> held =
                  cache.leases.sortLeases(missing, leaseAnswers, result);
              Map<K, byte[]> busy = cache.leases.takeBusy(missing, held);
              CompletableFuture<Map<K, V>> now =
                  missing.isEmpty()
                      ? CompletableFuture.completedFuture(result)
                      : loadAllAndFill(
                          missing,
                          result,
                          loader,
                          held,
                          missing.size() == loadStamps.length
                              ? loadStamps
                              : cache.bulk.stampsOf(missing.keySet()));
              if (busy.isEmpty()) {
                return now;
              }
              Map<K, V> afterWait = new HashMap<>(RedisCacheBulkReads.capacity(busy.size()));
              CompletableFuture<List<LeasedFill.Acquired>> waits =
                  cache.leaseWaits.awaitAll(new ArrayList<>(busy.values()), cache.leaseMaxWait);
              now.whenComplete(
                  (map, error) -> {
                    if (error != null) {
                      waits.thenAccept(answers -> cache.leases.releaseAll(busy, answers));
                    }
                  });
              CompletableFuture<Map<K, V>> later =
                  now.thenCompose(
                      done ->
                          waits.thenCompose(
                              answers -> {
                                Map<K, LeasedFill.Acquired> heldAfterWait =
                                    cache.leases.sortLeases(busy, answers, afterWait);
                                return busy.isEmpty()
                                    ? CompletableFuture.completedFuture(afterWait)
                                    : loadAllAndFill(
                                        busy,
                                        afterWait,
                                        loader,
                                        heldAfterWait,
                                        cache.bulk.stampsOf(busy.keySet()));
                              }));
              return later.thenApply(
                  map -> {
                    result.putAll(afterWait);
                    return result;
                  });
            });
  }

  private CompletableFuture<Map<K, V>> loadAllAndFill(
      Map<K, byte[]> missing,
      Map<K, V> result,
      Function<? super Set<K>, ? extends CompletionStage<? extends Map<? extends K, ? extends V>>>
          loader,
      Map<K, LeasedFill.Acquired> held,
      long[] loadStamps) {
    long start = System.nanoTime();
    CompletionStage<? extends Map<? extends K, ? extends V>> stage;
    try {
      stage =
          Objects.requireNonNull(
              loader.apply(Collections.unmodifiableSet(missing.keySet())),
              "the loader returned a null stage");
    } catch (Throwable t) {
      cache.stats.recordLoadFailure(System.nanoTime() - start);
      cache.leases.releaseAll(missing, held);
      return CompletableFuture.failedFuture(t);
    }
    CompletableFuture<Map<K, V>> done = new CompletableFuture<>();
    stage.whenComplete(
        (loaded, error) -> {
          if (error == null && loaded == null) {
            error = new NullPointerException("the loader's stage completed with a null map");
          }
          if (error != null) {
            cache.stats.recordLoadFailure(System.nanoTime() - start);
            cache.leases.releaseAll(missing, held);
            done.completeExceptionally(error);
            return;
          }
          long loadNanos = System.nanoTime() - start;
          cache.stats.recordLoadSuccess(loadNanos);
          cache
              .leases
              .fill(missing, loaded, result, held, loadStamps, loadNanos)
              .whenComplete((ok, ignored) -> done.complete(result));
        });
    return done;
  }

  @Override
  public CompletionStage<Void> put(K key, V value) {
    return cache.writes.putAsync(key, value, null);
  }

  @Override
  public CompletionStage<Void> put(K key, V value, Duration ttl) {
    Objects.requireNonNull(ttl, "ttl must not be null");
    return cache.writes.putAsync(key, value, ttl);
  }

  @Override
  public CompletionStage<Void> putAll(Map<? extends K, ? extends V> entries) {
    return cache.writes.putAllAsync(entries);
  }

  @Override
  public CompletionStage<Void> invalidate(K key) {
    return cache.writes.invalidateAsync(key);
  }

  @Override
  public CompletionStage<Void> invalidateAll(Iterable<? extends K> keys) {
    return cache.writes.invalidateAllAsync(keys);
  }

  @Override
  public CompletionStage<Void> invalidateAll() {
    return cache.writes.invalidateEverythingAsync();
  }

  @Override
  public Cache<K, V> synchronous() {
    return cache;
  }
}
