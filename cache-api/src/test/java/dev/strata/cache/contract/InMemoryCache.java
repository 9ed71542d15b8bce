package dev.strata.cache.contract;

import dev.strata.cache.AsyncCache;
import dev.strata.cache.Cache;
import dev.strata.cache.CacheLoadException;
import dev.strata.cache.CacheLoader;
import dev.strata.cache.CacheStats;
import dev.strata.cache.TtlPolicy;
import dev.strata.cache.spi.SingleFlight;
import dev.strata.cache.spi.StatsCounter;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * A plain in-memory {@link Cache} for tests: a {@link ConcurrentHashMap} of entries with expiry
 * timestamps, negative caching, single-flight loads and statistics. It passes {@link
 * CacheContractTest} and stands in for a real cache under the strategy and invalidation decorators.
 *
 * @param <K> the key type
 * @param <V> the value type
 */
public final class InMemoryCache<K, V> implements Cache<K, V> {

  private static final Object ABSENT = new Object();
  private static final long NEVER = Long.MAX_VALUE;

  private record Entry(Object value, long expiresAtNanos) {
    boolean expired(long now) {
      return expiresAtNanos != NEVER && now - expiresAtNanos >= 0;
    }
  }

  private final String name;
  private final TtlPolicy ttl;
  private final ConcurrentHashMap<K, Entry> entries = new ConcurrentHashMap<>();
  private final SingleFlight<K, V> flights = new SingleFlight<>();
  private final StatsCounter stats = StatsCounter.concurrent();
  private final AsyncView async = new AsyncView();

  /**
   * Creates an empty cache.
   *
   * @param name the cache's name
   * @param ttl its TTL policy
   */
  public InMemoryCache(String name, TtlPolicy ttl) {
    this.name = Objects.requireNonNull(name, "name must not be null");
    this.ttl = Objects.requireNonNull(ttl, "ttl must not be null");
  }

  /** Creates an empty cache whose entries never expire. */
  public InMemoryCache(String name) {
    this(name, TtlPolicy.eternal());
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public @Nullable V getIfPresent(K key) {
    Objects.requireNonNull(key, "key must not be null");
    Entry entry = lookup(key);
    if (entry == null) {
      stats.recordMisses(1);
      return null;
    }
    stats.recordHits(1);
    return valueOf(entry);
  }

  @Override
  public @Nullable V get(K key, CacheLoader<? super K, ? extends V> loader) {
    Objects.requireNonNull(key, "key must not be null");
    Objects.requireNonNull(loader, "loader must not be null");
    Entry entry = lookup(key);
    if (entry != null) {
      stats.recordHits(1);
      return valueOf(entry);
    }
    stats.recordMisses(1);
    return flights.load(
        key,
        k -> {
          Entry filled = lookup(k);
          if (filled != null) {
            return valueOf(filled);
          }
          long start = System.nanoTime();
          V value;
          try {
            value = loader.load(k);
          } catch (Throwable t) {
            stats.recordLoadFailure(System.nanoTime() - start);
            throw t;
          }
          stats.recordLoadSuccess(System.nanoTime() - start);
          store(k, value);
          return value;
        });
  }

  @Override
  public Map<K, V> getAllPresent(Iterable<? extends K> keys) {
    Set<K> distinct = distinct(keys);
    Map<K, V> found = new LinkedHashMap<>();
    int hits = 0;
    for (K key : distinct) {
      Entry entry = lookup(key);
      if (entry != null) {
        hits++;
        V value = valueOf(entry);
        if (value != null) {
          found.put(key, value);
        }
      }
    }
    stats.recordHits(hits);
    stats.recordMisses(distinct.size() - hits);
    return found;
  }

  @Override
  public Map<K, V> getAll(Iterable<? extends K> keys, CacheLoader<? super K, ? extends V> loader) {
    Set<K> distinct = distinct(keys);
    Objects.requireNonNull(loader, "loader must not be null");
    Map<K, V> result = new LinkedHashMap<>();
    Set<K> missing = new LinkedHashSet<>();
    for (K key : distinct) {
      Entry entry = lookup(key);
      if (entry == null) {
        missing.add(key);
      } else {
        V value = valueOf(entry);
        if (value != null) {
          result.put(key, value);
        }
      }
    }
    stats.recordHits(distinct.size() - missing.size());
    stats.recordMisses(missing.size());
    if (missing.isEmpty()) {
      return result;
    }
    long start = System.nanoTime();
    Map<? super K, ? extends V> loaded;
    try {
      loaded = loader.loadAll(Collections.unmodifiableSet(missing));
    } catch (RuntimeException | Error e) {
      stats.recordLoadFailure(System.nanoTime() - start);
      throw e;
    } catch (Exception e) {
      stats.recordLoadFailure(System.nanoTime() - start);
      throw new CacheLoadException("bulk load of cache '" + name + "' failed: " + e, e);
    }
    stats.recordLoadSuccess(System.nanoTime() - start);
    for (K key : missing) {
      V value = loaded.get(key);
      store(key, value);
      if (value != null) {
        result.put(key, value);
      }
    }
    return result;
  }

  @Override
  public void put(K key, V value) {
    Objects.requireNonNull(key, "key must not be null");
    Objects.requireNonNull(value, "value must not be null");
    entries.put(key, new Entry(value, expiry(ttl.nextDefaultTtl())));
  }

  @Override
  public void put(K key, V value, Duration ttl) {
    Objects.requireNonNull(key, "key must not be null");
    Objects.requireNonNull(value, "value must not be null");
    Objects.requireNonNull(ttl, "ttl must not be null");
    entries.put(key, new Entry(value, expiry(this.ttl.applyJitter(ttl))));
  }

  @Override
  public void putAll(Map<? extends K, ? extends V> entries) {
    Objects.requireNonNull(entries, "entries must not be null");
    for (Map.Entry<? extends K, ? extends V> entry : entries.entrySet()) {
      Objects.requireNonNull(entry.getKey(), "entries must not contain a null key");
      Objects.requireNonNull(entry.getValue(), "entries must not contain a null value");
    }
    entries.forEach(this::put);
  }

  @Override
  public void invalidate(K key) {
    Objects.requireNonNull(key, "key must not be null");
    entries.remove(key);
  }

  @Override
  public void invalidateAll(Iterable<? extends K> keys) {
    for (K key : distinct(keys)) {
      entries.remove(key);
    }
  }

  @Override
  public void invalidateAll() {
    entries.clear();
  }

  @Override
  public CacheStats stats() {
    return stats.snapshot();
  }

  @Override
  public OptionalLong estimatedSize() {
    return OptionalLong.of(entries.size());
  }

  @Override
  public AsyncCache<K, V> async() {
    return async;
  }

  private Set<K> distinct(Iterable<? extends K> keys) {
    Objects.requireNonNull(keys, "keys must not be null");
    Set<K> distinct = new LinkedHashSet<>();
    for (K key : keys) {
      distinct.add(Objects.requireNonNull(key, "keys must not contain a null key"));
    }
    return distinct;
  }

  private @Nullable Entry lookup(K key) {
    Entry entry = entries.get(key);
    if (entry != null && entry.expired(System.nanoTime())) {
      if (entries.remove(key, entry)) {
        stats.recordEvictions(1);
      }
      return null;
    }
    return entry;
  }

  @SuppressWarnings("unchecked")
  private @Nullable V valueOf(Entry entry) {
    return entry.value == ABSENT ? null : (V) entry.value;
  }

  private void store(K key, @Nullable V value) {
    if (value != null) {
      entries.put(key, new Entry(value, expiry(ttl.nextDefaultTtl())));
    } else if (ttl.cachesNegatives()) {
      entries.put(key, new Entry(ABSENT, expiry(ttl.nextNegativeTtl())));
    }
  }

  private static long expiry(@Nullable Duration ttl) {
    return ttl == null ? NEVER : System.nanoTime() + ttl.toNanos();
  }

  /** The asynchronous view: lookups answer at once, loads run through the shared single flight. */
  private final class AsyncView implements AsyncCache<K, V> {

    @Override
    public CompletionStage<@Nullable V> getIfPresent(K key) {
      return CompletableFuture.completedFuture(InMemoryCache.this.getIfPresent(key));
    }

    @Override
    public CompletionStage<@Nullable V> get(
        K key, Function<? super K, ? extends CompletionStage<? extends @Nullable V>> loader) {
      Objects.requireNonNull(key, "key must not be null");
      Objects.requireNonNull(loader, "loader must not be null");
      Entry entry = lookup(key);
      if (entry != null) {
        stats.recordHits(1);
        return CompletableFuture.completedFuture(valueOf(entry));
      }
      stats.recordMisses(1);
      return flights.loadAsync(
          key,
          k -> {
            long start = System.nanoTime();
            CompletableFuture<? extends @Nullable V> stage = loader.apply(k).toCompletableFuture();
            return stage.handle(
                (value, error) -> {
                  if (error != null) {
                    stats.recordLoadFailure(System.nanoTime() - start);
                    throw error instanceof CompletionException ce
                        ? ce
                        : new CompletionException(error);
                  }
                  stats.recordLoadSuccess(System.nanoTime() - start);
                  store(k, value);
                  return value;
                });
          });
    }

    @Override
    public CompletionStage<Map<K, V>> getAllPresent(Iterable<? extends K> keys) {
      return CompletableFuture.completedFuture(InMemoryCache.this.getAllPresent(keys));
    }

    @Override
    public CompletionStage<Map<K, V>> getAll(
        Iterable<? extends K> keys,
        Function<? super Set<K>, ? extends CompletionStage<? extends Map<? extends K, ? extends V>>>
            loader) {
      Objects.requireNonNull(loader, "loader must not be null");
      Set<K> distinct = distinct(keys);
      Map<K, V> present = InMemoryCache.this.getAllPresent(distinct);
      Set<K> missing = new LinkedHashSet<>(distinct);
      missing.removeAll(present.keySet());
      if (missing.isEmpty()) {
        return CompletableFuture.completedFuture(present);
      }
      long start = System.nanoTime();
      return loader
          .apply(Collections.unmodifiableSet(missing))
          .toCompletableFuture()
          .handle(
              (loaded, error) -> {
                if (error != null) {
                  stats.recordLoadFailure(System.nanoTime() - start);
                  throw error instanceof CompletionException ce
                      ? ce
                      : new CompletionException(error);
                }
                stats.recordLoadSuccess(System.nanoTime() - start);
                Map<K, V> result = new LinkedHashMap<>(present);
                for (K key : missing) {
                  V value = loaded.get(key);
                  store(key, value);
                  if (value != null) {
                    result.put(key, value);
                  }
                }
                return result;
              });
    }

    @Override
    public CompletionStage<Void> put(K key, V value) {
      InMemoryCache.this.put(key, value);
      return CompletableFuture.completedFuture(null);
    }

    @Override
    public CompletionStage<Void> put(K key, V value, Duration ttl) {
      InMemoryCache.this.put(key, value, ttl);
      return CompletableFuture.completedFuture(null);
    }

    @Override
    public CompletionStage<Void> putAll(Map<? extends K, ? extends V> entries) {
      InMemoryCache.this.putAll(entries);
      return CompletableFuture.completedFuture(null);
    }

    @Override
    public CompletionStage<Void> invalidate(K key) {
      InMemoryCache.this.invalidate(key);
      return CompletableFuture.completedFuture(null);
    }

    @Override
    public CompletionStage<Void> invalidateAll(Iterable<? extends K> keys) {
      InMemoryCache.this.invalidateAll(keys);
      return CompletableFuture.completedFuture(null);
    }

    @Override
    public CompletionStage<Void> invalidateAll() {
      InMemoryCache.this.invalidateAll();
      return CompletableFuture.completedFuture(null);
    }

    @Override
    public Cache<K, V> synchronous() {
      return InMemoryCache.this;
    }
  }
}
