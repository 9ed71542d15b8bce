package dev.strata.cache.local.internal;

import com.github.benmanes.caffeine.cache.AsyncCacheLoader;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Policy;
import com.github.benmanes.caffeine.cache.RemovalCause;
import com.github.benmanes.caffeine.cache.RemovalListener;
import dev.strata.cache.AsyncCache;
import dev.strata.cache.CacheLoadException;
import dev.strata.cache.CacheLoader;
import dev.strata.cache.CacheStats;
import dev.strata.cache.TtlPolicy;
import dev.strata.cache.local.EvictionCause;
import dev.strata.cache.local.EvictionListener;
import dev.strata.cache.local.LocalCache;
import dev.strata.cache.spi.StatsCounter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.function.Function;
import java.util.function.ToIntBiFunction;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link LocalCache} on a Caffeine {@link com.github.benmanes.caffeine.cache.AsyncCache} whose
 * values are futures of either a real value or {@link AbsentValue}.
 *
 * <p>Keeping futures lets blocking and asynchronous loads of a key share one in-flight entry:
 * whoever misses first puts an incomplete future and (for blocking loads) runs the loader in its
 * own thread; later callers find the future and wait for it. Caffeine removes a future that
 * completes with {@code null} or exceptionally, and ignores the completion of a future that was
 * invalidated while in flight, which gives the {@link dev.strata.cache.Cache} contract's
 * single-flight, failure and invalidation semantics. A hit reads a completed future: one Caffeine
 * lookup, one field read, one statistics increment.
 *
 * @param <K> the key type
 * @param <V> the value type
 */
public final class CaffeineLocalCache<K, V> implements LocalCache<K, V> {

  private static final Logger log = LoggerFactory.getLogger(CaffeineLocalCache.class);
  private static final String KEY_NULL = "key must not be null";

  private final String name;
  private final TtlPolicy ttl;
  private final boolean cachesNegatives;
  private final StatsCounter stats;
  private final com.github.benmanes.caffeine.cache.AsyncCache<K, Object> caffeine;
  private final com.github.benmanes.caffeine.cache.Cache<K, Object> caffeineSync;
  private final Policy.VarExpiration<K, Object> expiration;
  private final AsyncView asyncView = new AsyncView();

  /**
   * Creates an empty cache.
   *
   * @param settings validated settings
   */
  public CaffeineLocalCache(LocalCacheSettings<K, V> settings) {
    this.name = settings.name();
    this.ttl = settings.ttl();
    this.cachesNegatives = ttl.cachesNegatives();
    this.stats = settings.recordStats() ? StatsCounter.concurrent() : StatsCounter.disabled();

    Caffeine<K, Object> builder =
        Caffeine.newBuilder()
            .executor(settings.executor())
            .expireAfter(new TtlExpiry(ttl))
            .evictionListener(evictionListener(settings.evictionListener()));
    if (settings.maximumSize() >= 0) {
      builder.maximumSize(settings.maximumSize());
    }
    ToIntBiFunction<? super K, ? super V> weigher = settings.weigher();
    if (settings.maximumWeight() >= 0 && weigher != null) {
      builder.maximumWeight(settings.maximumWeight()).weigher(weigherOf(weigher));
    }
    if (settings.ticker() != null) {
      builder.ticker(settings.ticker());
    }
    Duration refreshAfterWrite = settings.refreshAfterWrite();
    CacheLoader<? super K, ? extends V> refreshLoader = settings.refreshLoader();
    if (refreshAfterWrite != null && refreshLoader != null) {
      this.caffeine =
          builder.refreshAfterWrite(refreshAfterWrite).buildAsync(new RefreshLoad(refreshLoader));
    } else {
      this.caffeine = builder.buildAsync();
    }
    this.caffeineSync = caffeine.synchronous();
    this.expiration = caffeineSync.policy().expireVariably().orElseThrow();
  }

  private RemovalListener<K, Object> evictionListener(
      @Nullable EvictionListener<? super K, ? super V> userListener) {
    return (key, value, cause) -> {
      stats.recordEvictions(1);
      if (userListener == null || key == null || value == null || value == AbsentValue.INSTANCE) {
        return;
      }
      try {
        @SuppressWarnings("unchecked")
        V typed = (V) value;
        userListener.onEviction(
            key, typed, cause == RemovalCause.EXPIRED ? EvictionCause.EXPIRED : EvictionCause.SIZE);
      } catch (RuntimeException e) {
        log.warn("eviction listener of cache '{}' failed", name, e);
      }
    };
  }

  @SuppressWarnings("unchecked")
  private static <K, V> com.github.benmanes.caffeine.cache.Weigher<K, Object> weigherOf(
      ToIntBiFunction<? super K, ? super V> weigher) {
    return (key, value) -> value == AbsentValue.INSTANCE ? 1 : weigher.applyAsInt(key, (V) value);
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public @Nullable V getIfPresent(K key) {
    CompletableFuture<Object> future = caffeine.getIfPresent(Objects.requireNonNull(key, KEY_NULL));
    Object value = future == null ? null : completedValue(future);
    if (value == null) {
      stats.recordMisses(1);
      return null;
    }
    stats.recordHits(1);
    return valueOf(value);
  }

  @Override
  public @Nullable V get(K key, CacheLoader<? super K, ? extends V> loader) {
    Objects.requireNonNull(key, KEY_NULL);
    Objects.requireNonNull(loader, "loader must not be null");
    CompletableFuture<Object> present = caffeine.getIfPresent(key);
    Object value = present == null ? null : completedValue(present);
    if (value != null) {
      stats.recordHits(1);
      return valueOf(value);
    }
    stats.recordMisses(1);
    CompletableFuture<Object> mine = new CompletableFuture<>();
    CompletableFuture<Object> future = caffeine.get(key, (k, executor) -> mine);
    if (future == mine) {
      runLoad(key, loader, mine);
    }
    return valueOf(await(future));
  }

  private void runLoad(
      K key, CacheLoader<? super K, ? extends V> loader, CompletableFuture<Object> target) {
    long start = System.nanoTime();
    try {
      V value = loader.load(key);
      stats.recordLoadSuccess(System.nanoTime() - start);
      target.complete(value != null ? value : absentOrNull());
    } catch (Throwable t) {
      stats.recordLoadFailure(System.nanoTime() - start);
      target.completeExceptionally(new FailedLoad(t));
    }
  }

  @Override
  public Map<K, V> getAllPresent(Iterable<? extends K> keys) {
    Objects.requireNonNull(keys, "keys must not be null");
    Map<K, V> result = new LinkedHashMap<>();
    Set<K> seen = new HashSet<>();
    int hits = 0;
    int misses = 0;
    for (K key : keys) {
      if (!seen.add(Objects.requireNonNull(key, "keys must not contain null"))) {
        continue;
      }
      CompletableFuture<Object> future = caffeine.getIfPresent(key);
      Object value = future == null ? null : completedValue(future);
      if (value == null) {
        misses++;
      } else {
        hits++;
        if (value != AbsentValue.INSTANCE) {
          result.put(key, cast(value));
        }
      }
    }
    stats.recordHits(hits);
    stats.recordMisses(misses);
    return result;
  }

  @Override
  public Map<K, V> getAll(Iterable<? extends K> keys, CacheLoader<? super K, ? extends V> loader) {
    Objects.requireNonNull(keys, "keys must not be null");
    Objects.requireNonNull(loader, "loader must not be null");
    Map<K, V> result = new LinkedHashMap<>();
    Set<K> missing = new LinkedHashSet<>();
    Set<K> seen = new HashSet<>();
    int hits = 0;
    for (K key : keys) {
      if (!seen.add(Objects.requireNonNull(key, "keys must not contain null"))) {
        continue;
      }
      CompletableFuture<Object> future = caffeine.getIfPresent(key);
      Object value = future == null ? null : completedValue(future);
      if (value == null) {
        missing.add(key);
      } else {
        hits++;
        if (value != AbsentValue.INSTANCE) {
          result.put(key, cast(value));
        }
      }
    }
    stats.recordHits(hits);
    if (missing.isEmpty()) {
      return result;
    }
    stats.recordMisses(missing.size());
    CompletableFuture<Map<K, Object>> mine = new CompletableFuture<>();
    List<Set<? extends K>> requested = new ArrayList<>(1);
    CompletableFuture<Map<K, Object>> all =
        caffeine.getAll(
            missing,
            (keysToLoad, executor) -> {
              requested.add(keysToLoad);
              return mine;
            });
    if (!requested.isEmpty()) {
      runBulkLoad(requested.get(0), loader, mine);
    }
    Map<K, Object> loaded = await(all);
    for (K key : missing) {
      Object value = loaded.get(key);
      if (value != null && value != AbsentValue.INSTANCE) {
        result.put(key, cast(value));
      }
    }
    return result;
  }

  private void runBulkLoad(
      Set<? extends K> keys,
      CacheLoader<? super K, ? extends V> loader,
      CompletableFuture<Map<K, Object>> target) {
    long start = System.nanoTime();
    try {
      Map<?, ? extends V> loaded =
          Objects.requireNonNull(loader.loadAll(keys), "the loader's loadAll returned null");
      stats.recordLoadSuccess(System.nanoTime() - start);
      target.complete(onlyRequested(keys, loaded));
    } catch (Throwable t) {
      stats.recordLoadFailure(System.nanoTime() - start);
      target.completeExceptionally(new FailedLoad(t));
    }
  }

  /** Keeps the requested keys of a bulk load, marking those it did not find as absent if needed. */
  private Map<K, Object> onlyRequested(
      Set<? extends K> keys, Map<?, ? extends @Nullable V> loaded) {
    Map<K, Object> result = new HashMap<>(Math.max(4, keys.size() * 2));
    for (K key : keys) {
      V value = loaded.get(key);
      if (value != null) {
        result.put(key, value);
      } else if (cachesNegatives) {
        result.put(key, AbsentValue.INSTANCE);
      }
    }
    return result;
  }

  @Override
  public void put(K key, V value) {
    Objects.requireNonNull(key, KEY_NULL);
    Objects.requireNonNull(value, "value must not be null");
    caffeineSync.put(key, value);
  }

  @Override
  public void put(K key, V value, Duration ttl) {
    Objects.requireNonNull(key, KEY_NULL);
    Objects.requireNonNull(value, "value must not be null");
    expiration.put(key, value, this.ttl.applyJitter(ttl));
  }

  @Override
  public void putAll(Map<? extends K, ? extends V> entries) {
    Objects.requireNonNull(entries, "entries must not be null");
    entries.forEach(
        (key, value) -> {
          Objects.requireNonNull(key, "entries must not contain a null key");
          Objects.requireNonNull(
              value, () -> "entries must not contain a null value (key " + key + ")");
        });
    caffeineSync.putAll(entries);
  }

  @Override
  public void invalidate(K key) {
    caffeineSync.invalidate(Objects.requireNonNull(key, KEY_NULL));
  }

  @Override
  public void invalidateAll(Iterable<? extends K> keys) {
    Objects.requireNonNull(keys, "keys must not be null");
    List<K> checked = new ArrayList<>();
    for (K key : keys) {
      checked.add(Objects.requireNonNull(key, "keys must not contain null"));
    }
    caffeineSync.invalidateAll(checked);
  }

  @Override
  public void invalidateAll() {
    caffeineSync.invalidateAll();
  }

  @Override
  public CacheStats stats() {
    return stats.snapshot();
  }

  @Override
  public AsyncCache<K, V> async() {
    return asyncView;
  }

  @Override
  public OptionalLong estimatedSize() {
    return OptionalLong.of(caffeineSync.estimatedSize());
  }

  @Override
  public void cleanUp() {
    caffeineSync.cleanUp();
  }

  @Override
  public String toString() {
    return "LocalCache{name=" + name + ", ttl=" + ttl + '}';
  }

  private @Nullable Object absentOrNull() {
    return cachesNegatives ? AbsentValue.INSTANCE : null;
  }

  /** The value of a completed, successful future; {@code null} while in flight or failed. */
  private static @Nullable Object completedValue(CompletableFuture<Object> future) {
    try {
      return future.getNow(null);
    } catch (CancellationException | CompletionException e) {
      return null;
    }
  }

  private @Nullable V valueOf(@Nullable Object stored) {
    return stored == null || stored == AbsentValue.INSTANCE ? null : cast(stored);
  }

  @SuppressWarnings("unchecked")
  private V cast(Object stored) {
    return (V) stored;
  }

  /** Waits for a load and returns its stored value, or throws the loader's failure. */
  private <T> T await(CompletableFuture<T> future) {
    try {
      return future.join();
    } catch (CancellationException | CompletionException e) {
      Throwable cause = loaderFailure(e);
      if (cause instanceof RuntimeException runtime) {
        throw runtime;
      }
      if (cause instanceof Error error) {
        throw error;
      }
      if (cause instanceof InterruptedException) {
        Thread.currentThread().interrupt();
      }
      throw new CacheLoadException("cache '" + name + "' failed to load: " + cause, cause);
    }
  }

  /** The loader's own exception inside the wrappers of futures and {@link FailedLoad}. */
  private static Throwable loaderFailure(Throwable error) {
    Throwable current = error;
    while ((current instanceof CompletionException || current instanceof FailedLoad)
        && current.getCause() != null) {
      current = current.getCause();
    }
    return current;
  }

  /** Reloads entries for refresh-ahead on the cache's executor. */
  private final class RefreshLoad implements AsyncCacheLoader<K, Object> {
    private final CacheLoader<? super K, ? extends V> loader;

    RefreshLoad(CacheLoader<? super K, ? extends V> loader) {
      this.loader = loader;
    }

    @Override
    public CompletableFuture<Object> asyncLoad(K key, Executor executor) {
      CompletableFuture<Object> result = new CompletableFuture<>();
      executor.execute(
          () -> {
            long start = System.nanoTime();
            try {
              V value = loader.load(key);
              stats.recordLoadSuccess(System.nanoTime() - start);
              result.complete(value != null ? value : absentOrNull());
            } catch (Throwable t) {
              stats.recordLoadFailure(System.nanoTime() - start);
              log.warn("cache '{}' failed to refresh an entry; the old value stays", name, t);
              result.completeExceptionally(new FailedLoad(t));
            }
          });
      return result;
    }
  }

  /** The {@link AsyncCache} view: same entries, same loads in flight, same statistics. */
  private final class AsyncView implements AsyncCache<K, V> {

    @Override
    public CompletionStage<@Nullable V> getIfPresent(K key) {
      return CompletableFuture.completedFuture(CaffeineLocalCache.this.getIfPresent(key));
    }

    @Override
    public CompletionStage<@Nullable V> get(
        K key, Function<? super K, ? extends CompletionStage<? extends @Nullable V>> loader) {
      Objects.requireNonNull(key, KEY_NULL);
      Objects.requireNonNull(loader, "loader must not be null");
      CompletableFuture<Object> present = caffeine.getIfPresent(key);
      Object value = present == null ? null : completedValue(present);
      if (value != null) {
        stats.recordHits(1);
        return CompletableFuture.completedFuture(valueOf(value));
      }
      stats.recordMisses(1);
      CompletableFuture<Object> future = caffeine.get(key, (k, executor) -> startLoad(k, loader));
      CompletableFuture<@Nullable V> result = new CompletableFuture<>();
      future.whenComplete(
          (stored, error) -> {
            if (error != null) {
              result.completeExceptionally(loaderFailure(error));
            } else {
              result.complete(valueOf(stored));
            }
          });
      return result;
    }

    private CompletableFuture<Object> startLoad(
        K key, Function<? super K, ? extends CompletionStage<? extends @Nullable V>> loader) {
      CompletableFuture<Object> stored = new CompletableFuture<>();
      long start = System.nanoTime();
      CompletionStage<? extends @Nullable V> stage;
      try {
        stage = Objects.requireNonNull(loader.apply(key), "the loader returned a null stage");
      } catch (Throwable t) {
        stats.recordLoadFailure(System.nanoTime() - start);
        stored.completeExceptionally(new FailedLoad(t));
        return stored;
      }
      stage.whenComplete(
          (value, error) -> {
            if (error != null) {
              stats.recordLoadFailure(System.nanoTime() - start);
              stored.completeExceptionally(new FailedLoad(loaderFailure(error)));
            } else {
              stats.recordLoadSuccess(System.nanoTime() - start);
              stored.complete(value != null ? value : absentOrNull());
            }
          });
      return stored;
    }

    @Override
    public CompletionStage<Map<K, V>> getAllPresent(Iterable<? extends K> keys) {
      return CompletableFuture.completedFuture(CaffeineLocalCache.this.getAllPresent(keys));
    }

    @Override
    public CompletionStage<Map<K, V>> getAll(
        Iterable<? extends K> keys,
        Function<? super Set<K>, ? extends CompletionStage<? extends Map<? extends K, ? extends V>>>
            loader) {
      Objects.requireNonNull(keys, "keys must not be null");
      Objects.requireNonNull(loader, "loader must not be null");
      Map<K, V> result = new LinkedHashMap<>();
      Set<K> missing = new LinkedHashSet<>();
      int hits = 0;
      for (K key : keys) {
        Objects.requireNonNull(key, "keys must not contain null");
        if (result.containsKey(key) || missing.contains(key)) {
          continue;
        }
        CompletableFuture<Object> future = caffeine.getIfPresent(key);
        Object value = future == null ? null : completedValue(future);
        if (value == null) {
          missing.add(key);
        } else {
          hits++;
          if (value != AbsentValue.INSTANCE) {
            result.put(key, cast(value));
          }
        }
      }
      stats.recordHits(hits);
      if (missing.isEmpty()) {
        return CompletableFuture.completedFuture(result);
      }
      stats.recordMisses(missing.size());
      CompletableFuture<Map<K, Object>> all =
          caffeine.getAll(missing, (keysToLoad, executor) -> startBulkLoad(keysToLoad, loader));
      CompletableFuture<Map<K, V>> outcome = new CompletableFuture<>();
      all.whenComplete(
          (loaded, error) -> {
            if (error != null) {
              outcome.completeExceptionally(loaderFailure(error));
              return;
            }
            for (K key : missing) {
              Object value = loaded.get(key);
              if (value != null && value != AbsentValue.INSTANCE) {
                result.put(key, cast(value));
              }
            }
            outcome.complete(result);
          });
      return outcome;
    }

    private CompletableFuture<Map<K, Object>> startBulkLoad(
        Set<? extends K> keysToLoad,
        Function<? super Set<K>, ? extends CompletionStage<? extends Map<? extends K, ? extends V>>>
            loader) {
      CompletableFuture<Map<K, Object>> stored = new CompletableFuture<>();
      long start = System.nanoTime();
      Set<K> requested = Set.copyOf(keysToLoad);
      CompletionStage<? extends Map<? extends K, ? extends V>> stage;
      try {
        stage = Objects.requireNonNull(loader.apply(requested), "the loader returned a null stage");
      } catch (Throwable t) {
        stats.recordLoadFailure(System.nanoTime() - start);
        stored.completeExceptionally(new FailedLoad(t));
        return stored;
      }
      stage.whenComplete(
          (loaded, error) -> {
            if (error != null || loaded == null) {
              stats.recordLoadFailure(System.nanoTime() - start);
              stored.completeExceptionally(
                  new FailedLoad(
                      error != null
                          ? loaderFailure(error)
                          : new NullPointerException("the loader's map was null")));
            } else {
              stats.recordLoadSuccess(System.nanoTime() - start);
              stored.complete(onlyRequested(requested, loaded));
            }
          });
      return stored;
    }

    @Override
    public CompletionStage<Void> put(K key, V value) {
      CaffeineLocalCache.this.put(key, value);
      return CompletableFuture.completedFuture(null);
    }

    @Override
    public CompletionStage<Void> put(K key, V value, Duration ttl) {
      CaffeineLocalCache.this.put(key, value, ttl);
      return CompletableFuture.completedFuture(null);
    }

    @Override
    public CompletionStage<Void> putAll(Map<? extends K, ? extends V> entries) {
      CaffeineLocalCache.this.putAll(entries);
      return CompletableFuture.completedFuture(null);
    }

    @Override
    public CompletionStage<Void> invalidate(K key) {
      CaffeineLocalCache.this.invalidate(key);
      return CompletableFuture.completedFuture(null);
    }

    @Override
    public CompletionStage<Void> invalidateAll(Iterable<? extends K> keys) {
      CaffeineLocalCache.this.invalidateAll(keys);
      return CompletableFuture.completedFuture(null);
    }

    @Override
    public CompletionStage<Void> invalidateAll() {
      CaffeineLocalCache.this.invalidateAll();
      return CompletableFuture.completedFuture(null);
    }

    @Override
    public LocalCache<K, V> synchronous() {
      return CaffeineLocalCache.this;
    }

    @Override
    public String toString() {
      return "AsyncView of " + CaffeineLocalCache.this;
    }
  }
}
