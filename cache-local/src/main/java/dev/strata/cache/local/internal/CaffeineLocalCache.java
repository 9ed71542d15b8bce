package dev.strata.cache.local.internal;

import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Policy;
import com.github.benmanes.caffeine.cache.RemovalCause;
import com.github.benmanes.caffeine.cache.RemovalListener;
import com.github.benmanes.caffeine.cache.Weigher;
import dev.strata.cache.AsyncCache;
import dev.strata.cache.CacheLoadException;
import dev.strata.cache.CacheLoader;
import dev.strata.cache.CacheStats;
import dev.strata.cache.TtlPolicy;
import dev.strata.cache.local.EvictionCause;
import dev.strata.cache.local.EvictionListener;
import dev.strata.cache.local.LocalCache;
import dev.strata.cache.spi.InvalidationStamps;
import dev.strata.cache.spi.SingleFlight;
import dev.strata.cache.spi.StatsCounter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.ExecutionException;
import java.util.function.ToIntBiFunction;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link LocalCache} on a synchronous Caffeine cache whose values are either a real value or {@link
 * AbsentValue}; a hit is one Caffeine lookup, one comparison and one statistics increment.
 *
 * <p>Loads do not run inside Caffeine's per-key computation (which would hold a lock of the map
 * while a database answers). They are single-flight through one {@link SingleFlight} shared by the
 * blocking and the asynchronous view (see {@link LocalAsyncView}): whoever misses first leads the
 * load, fills the cache if the key is still absent, and completes the future that the others wait
 * for. Every write and invalidation first moves the key's stamp in {@link InvalidationStamps}, then
 * changes the entry, then detaches the load in flight, so a later lookup starts a new load; a fill
 * checks the stamp it took before loading again under the entry's lock ({@link #fill}), so the
 * value of a load that raced with a write is never cached.
 *
 * @param <K> the key type
 * @param <V> the value type
 */
public final class CaffeineLocalCache<K, V> implements LocalCache<K, V> {

  private static final Logger LOG = LoggerFactory.getLogger(CaffeineLocalCache.class);
  static final String KEY_NULL = "key must not be null";

  private final String name;
  private final TtlPolicy ttl;
  final @Nullable Object absent;
  final StatsCounter stats;
  final com.github.benmanes.caffeine.cache.Cache<K, Object> caffeine;
  private final ConcurrentMap<K, Object> map;
  private final Policy.VarExpiration<K, Object> expiration;
  final SingleFlight<K, Object> flights;
  final InvalidationStamps stamps = new InvalidationStamps(256);
  private final LocalAsyncView<K, V> asyncView = new LocalAsyncView<>(this);

  /**
   * Creates an empty cache.
   *
   * @param settings validated settings
   */
  public CaffeineLocalCache(LocalCacheSettings<K, V> settings) {
    this.name = settings.name();
    this.ttl = settings.ttl();
    this.absent = ttl.cachesNegatives() ? AbsentValue.INSTANCE : null;
    this.stats = settings.recordStats() ? StatsCounter.concurrent() : StatsCounter.disabled();
    this.flights = new SingleFlight<>(name, settings.loadTimeout());

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
          builder
              .refreshAfterWrite(refreshAfterWrite)
              .build(new RefreshLoader<>(refreshLoader, absent, stats, name));
    } else {
      this.caffeine = builder.build();
    }
    this.map = caffeine.asMap();
    this.expiration = caffeine.policy().expireVariably().orElseThrow();
  }

  private RemovalListener<K, Object> evictionListener(
      @Nullable EvictionListener<? super K, ? super V> userListener) {
    return (key, value, cause) -> {
      stats.recordEvictions(1);
      if (userListener == null || key == null || value == null || value == AbsentValue.INSTANCE) {
        return;
      }
      try {
        userListener.onEviction(
            key,
            cast(value),
            cause == RemovalCause.EXPIRED ? EvictionCause.EXPIRED : EvictionCause.SIZE);
      } catch (RuntimeException e) {
        LOG.warn("eviction listener of cache '{}' failed", name, e);
      }
    };
  }

  private Weigher<K, Object> weigherOf(ToIntBiFunction<? super K, ? super V> weigher) {
    return (key, value) -> value == AbsentValue.INSTANCE ? 1 : weigher.applyAsInt(key, cast(value));
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public @Nullable V getIfPresent(K key) {
    Object value = caffeine.getIfPresent(Objects.requireNonNull(key, KEY_NULL));
    if (value == null) {
      stats.recordMisses(1);
      return null;
    }
    stats.recordHits(1);
    return value == AbsentValue.INSTANCE ? null : cast(value);
  }

  @Override
  public @Nullable V get(K key, CacheLoader<? super K, ? extends V> loader) {
    Objects.requireNonNull(key, KEY_NULL);
    Objects.requireNonNull(loader, "loader must not be null");
    Object value = caffeine.getIfPresent(key);
    if (value != null) {
      stats.recordHits(1);
      return valueOf(value);
    }
    stats.recordMisses(1);
    return valueOf(load(key, loader));
  }

  /** Loads {@code key}, or waits for the load of it already in flight. */
  private @Nullable Object load(K key, CacheLoader<? super K, ? extends V> loader) {
    CompletableFuture<@Nullable Object> mine = new CompletableFuture<>();
    CompletableFuture<@Nullable Object> running = flights.lead(key, mine);
    if (running != null) {
      return await(running);
    }
    Object stored;
    try {
      stored = caffeine.getIfPresent(key);
      if (stored == null) {
        long stamp = stamps.stamp(key);
        long start = System.nanoTime();
        try {
          V value = loader.load(key);
          stats.recordLoadSuccess(System.nanoTime() - start);
          stored = value != null ? value : absent;
        } catch (Throwable t) {
          stats.recordLoadFailure(System.nanoTime() - start);
          throw t;
        }
        fill(key, stored, stamp);
      }
    } catch (Throwable t) {
      flights.fail(key, mine, t);
      throw SingleFlight.rethrow(name, t);
    }
    flights.complete(key, mine, stored);
    return stored;
  }

  /**
   * Caches a loaded value unless the key holds a value or was written or invalidated since the load
   * took {@code stamp}. The stamp is checked again under the entry's lock, which a write or an
   * invalidation also takes after moving the stamp: a stale value is never visible, not even
   * briefly.
   */
  void fill(K key, @Nullable Object stored, long stamp) {
    if (stored != null && stamps.unchanged(key, stamp)) {
      map.computeIfAbsent(key, k -> stamps.unchanged(k, stamp) ? stored : null);
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
      Object value = caffeine.getIfPresent(key);
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

  /**
   * Looks up {@code keys}, putting the values found in {@code found} and returning the keys that
   * missed. Records hits and misses.
   */
  Set<K> lookUp(Iterable<? extends K> keys, Map<K, V> found) {
    Set<K> missing = new LinkedHashSet<>();
    Set<K> seen = new HashSet<>();
    int hits = 0;
    for (K key : keys) {
      if (!seen.add(Objects.requireNonNull(key, "keys must not contain null"))) {
        continue;
      }
      Object value = caffeine.getIfPresent(key);
      if (value == null) {
        missing.add(key);
      } else {
        hits++;
        if (value != AbsentValue.INSTANCE) {
          found.put(key, cast(value));
        }
      }
    }
    stats.recordHits(hits);
    stats.recordMisses(missing.size());
    return missing;
  }

  @Override
  public Map<K, V> getAll(Iterable<? extends K> keys, CacheLoader<? super K, ? extends V> loader) {
    Objects.requireNonNull(keys, "keys must not be null");
    Objects.requireNonNull(loader, "loader must not be null");
    Map<K, V> result = new LinkedHashMap<>();
    Set<K> missing = lookUp(keys, result);
    if (missing.isEmpty()) {
      return result;
    }
    BulkLoad<K, V> bulk = new BulkLoad<>(this, missing);
    if (!bulk.mine.isEmpty()) {
      long start = System.nanoTime();
      try {
        Map<?, ? extends V> loaded =
            Objects.requireNonNull(
                loader.loadAll(Collections.unmodifiableSet(bulk.mine.keySet())),
                "the loader's loadAll returned null");
        stats.recordLoadSuccess(System.nanoTime() - start);
        bulk.complete(loaded);
      } catch (Throwable t) {
        stats.recordLoadFailure(System.nanoTime() - start);
        bulk.fail(t);
        throw SingleFlight.rethrow(name, t);
      }
    }
    for (Map.Entry<K, CompletableFuture<@Nullable Object>> entry : bulk.all.entrySet()) {
      Object stored = await(entry.getValue());
      if (stored != null && stored != AbsentValue.INSTANCE) {
        result.put(entry.getKey(), cast(stored));
      }
    }
    return result;
  }

  @Override
  public void put(K key, V value) {
    Objects.requireNonNull(key, KEY_NULL);
    Objects.requireNonNull(value, "value must not be null");
    stamps.invalidated(key);
    caffeine.put(key, value);
    flights.detach(key);
  }

  @Override
  public void put(K key, V value, Duration ttl) {
    Objects.requireNonNull(key, KEY_NULL);
    Objects.requireNonNull(value, "value must not be null");
    Duration jittered = this.ttl.applyJitter(ttl);
    stamps.invalidated(key);
    expiration.put(key, value, jittered);
    flights.detach(key);
  }

  @Override
  public void putAll(Map<? extends K, ? extends V> entries) {
    Objects.requireNonNull(entries, "entries must not be null");
    entries.forEach(
        (key, value) -> {
          Objects.requireNonNull(key, "entries must not contain a null key");
          Objects.requireNonNull(
              value, () -> "entries must not contain a null value (key " + key + ")");
          stamps.invalidated(key);
        });
    caffeine.putAll(entries);
    entries.keySet().forEach(flights::detach);
  }

  @Override
  public void invalidate(K key) {
    Objects.requireNonNull(key, KEY_NULL);
    stamps.invalidated(key);
    caffeine.invalidate(key);
    flights.detach(key);
  }

  @Override
  public void invalidateAll(Iterable<? extends K> keys) {
    Objects.requireNonNull(keys, "keys must not be null");
    List<K> checked = new ArrayList<>();
    for (K key : keys) {
      checked.add(Objects.requireNonNull(key, "keys must not contain null"));
    }
    checked.forEach(stamps::invalidated);
    caffeine.invalidateAll(checked);
    checked.forEach(flights::detach);
  }

  @Override
  public void invalidateAll() {
    stamps.invalidatedAll();
    caffeine.invalidateAll();
    flights.detachAll();
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
    return OptionalLong.of(caffeine.estimatedSize());
  }

  @Override
  public void cleanUp() {
    caffeine.cleanUp();
  }

  @Override
  public String toString() {
    return "LocalCache{name=" + name + ", ttl=" + ttl + '}';
  }

  @Nullable V valueOf(@Nullable Object stored) {
    return stored == null || stored == AbsentValue.INSTANCE ? null : cast(stored);
  }

  @SuppressWarnings("unchecked")
  V cast(Object stored) {
    return (V) stored;
  }

  /**
   * Waits for a load in flight and returns its stored value, or throws the loader's failure. An
   * interrupt ends the wait (the load goes on for the others) with the flag left set.
   */
  private @Nullable Object await(CompletableFuture<@Nullable Object> future) {
    try {
      return future.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CacheLoadException(
          "cache '"
              + name
              + "' was interrupted while waiting for another thread's load of the same key;"
              + " that load goes on for its other callers",
          e);
    } catch (ExecutionException e) {
      throw SingleFlight.rethrow(name, e.getCause() == null ? e : e.getCause());
    }
  }

  /** The failure inside the wrappers that dependent stages add. */
  static Throwable unwrap(Throwable error) {
    return error instanceof CompletionException && error.getCause() != null
        ? error.getCause()
        : error;
  }
}
