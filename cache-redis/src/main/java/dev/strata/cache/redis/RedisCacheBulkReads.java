package dev.strata.cache.redis;

import dev.strata.cache.CacheLoadException;
import dev.strata.cache.CacheLoader;
import dev.strata.cache.redis.internal.LeasedFill;
import dev.strata.cache.redis.internal.StoredEntries;
import dev.strata.cache.redis.internal.StoredValueReader;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.jspecify.annotations.Nullable;

/**
 * The bulk reads of a {@link RedisCache} ({@code getAllPresent}, {@code getAll}) and the key and
 * answer bookkeeping they share with the non-blocking view: distinct keys, result maps, MGET
 * answers sorted into hits and misses, the stamps of the keys a bulk load fills. Thread-safe
 * (stateless apart from the cache).
 */
final class RedisCacheBulkReads<K, V> {

  /** A bulk read's placeholder for a key whose answer has not been sorted yet. */
  private static final Object PENDING = new Object();

  private final RedisCache<K, V> cache;

  RedisCacheBulkReads(RedisCache<K, V> cache) {
    this.cache = cache;
  }

  Map<K, V> getAllPresent(Iterable<? extends K> keys) {
    Map<K, V> result = newResult(keys);
    List<K> distinct = distinctKeys(keys, result);
    if (distinct.isEmpty()) {
      return result;
    }
    byte[][] redisKeys = redisKeys(distinct);
    collect(distinct, redisKeys, cache.redis.mget(redisKeys, cache.entries.codec()), result, null);
    return result;
  }

  Map<K, V> getAll(Iterable<? extends K> keys, CacheLoader<? super K, ? extends V> loader) {
    Map<K, V> result = newResult(keys);
    List<K> distinct = distinctKeys(keys, result);
    Objects.requireNonNull(loader, "loader must not be null");
    if (distinct.isEmpty()) {
      return result;
    }
    byte[][] redisKeys = redisKeys(distinct);
    Map<K, byte[]> missing = new LinkedHashMap<>();
    collect(
        distinct, redisKeys, cache.redis.mget(redisKeys, cache.entries.codec()), result, missing);
    if (missing.isEmpty()) {
      return result;
    }
    long[] loadStamps = stampsOf(missing.keySet());
    Map<K, LeasedFill.Acquired> held =
        cache.leases.sortLeases(
            missing, cache.leasedFill.acquireAll(new ArrayList<>(missing.values())).join(), result);
    Map<K, byte[]> busy = cache.leases.takeBusy(missing, held);
    // the leases of other callers are waited for while this caller loads the keys it holds
    CompletableFuture<List<LeasedFill.Acquired>> waits =
        busy.isEmpty()
            ? null
            : cache.leaseWaits.awaitAll(new ArrayList<>(busy.values()), cache.leaseMaxWait);
    try {
      if (!missing.isEmpty()) {
        loadStamps = missing.size() == loadStamps.length ? loadStamps : stampsOf(missing.keySet());
        loadAndFill(missing, result, loader, held, loadStamps);
      }
    } catch (RuntimeException | Error e) {
      if (waits != null) {
        waits.thenAccept(answers -> cache.leases.releaseAll(busy, answers));
      }
      throw e;
    }
    if (waits != null) {
      Map<K, LeasedFill.Acquired> heldAfterWait =
          cache.leases.sortLeases(busy, waits.join(), result);
      if (!busy.isEmpty()) {
        loadAndFill(busy, result, loader, heldAfterWait, stampsOf(busy.keySet()));
      }
    }
    return result;
  }

  /** Loads the keys of {@code missing} with one bulk load and fills those whose lease is held. */
  private void loadAndFill(
      Map<K, byte[]> missing,
      Map<K, V> result,
      CacheLoader<? super K, ? extends V> loader,
      Map<K, LeasedFill.Acquired> held,
      long[] loadStamps) {
    long start = System.nanoTime();
    Map<?, ? extends V> loaded;
    try {
      loaded =
          Objects.requireNonNull(
              loader.loadAll(Collections.unmodifiableSet(missing.keySet())),
              "the loader returned a null map");
    } catch (RuntimeException | Error e) {
      cache.stats.recordLoadFailure(System.nanoTime() - start);
      cache.leases.releaseAll(missing, held).join();
      throw e;
    } catch (Exception e) {
      cache.stats.recordLoadFailure(System.nanoTime() - start);
      cache.leases.releaseAll(missing, held).join();
      throw new CacheLoadException("cache '" + cache.name() + "': bulk load failed: " + e, e);
    }
    long loadNanos = System.nanoTime() - start;
    cache.stats.recordLoadSuccess(loadNanos);
    cache.leases.fill(missing, loaded, result, held, loadStamps, loadNanos).join();
  }

  /**
   * Sorts MGET answers (see {@link StoredValueReader#mget}): hits replace their key's placeholder
   * in {@code result}, other keys leave it, misses go into {@code missing} (when not null); counts
   * them.
   */
  void collect(
      List<K> keys,
      byte[][] redisKeys,
      @Nullable Object @Nullable [] answers,
      Map<K, V> result,
      @Nullable Map<K, byte[]> missing) {
    int hits = 0;
    for (int i = 0; i < keys.size(); i++) {
      K key = keys.get(i);
      Object found =
          answers == null ? StoredEntries.MISS : cache.entries.found(redisKeys[i], answers[i]);
      if (found == StoredEntries.MISS) {
        result.remove(key);
        if (missing != null) {
          missing.put(key, redisKeys[i]);
        }
        continue;
      }
      hits++;
      V value = StoredEntries.unwrap(found);
      if (value != null) {
        result.put(key, value);
      } else {
        result.remove(key);
      }
    }
    cache.stats.recordHits(hits);
    cache.stats.recordMisses(keys.size() - hits);
  }

  /** The current stamps of keys about to be loaded, in iteration order. */
  long[] stampsOf(Set<K> keys) {
    long[] result = new long[keys.size()];
    int i = 0;
    for (K key : keys) {
      result[i++] = cache.stamps.stamp(key);
    }
    return result;
  }

  /** The distinct keys, in order, rejecting null ones. */
  List<K> distinctKeys(Iterable<? extends K> keys) {
    Objects.requireNonNull(keys, "keys must not be null");
    Set<K> distinct = new LinkedHashSet<>();
    for (K key : keys) {
      distinct.add(Objects.requireNonNull(key, "keys must not contain null"));
    }
    return new ArrayList<>(distinct);
  }

  /** A result map of a bulk read, sized once for the keys when they are a collection. */
  Map<K, V> newResult(Iterable<? extends K> keys) {
    Objects.requireNonNull(keys, "keys must not be null");
    return new HashMap<>(capacity(keys instanceof Collection<?> c ? c.size() : 16));
  }

  /**
   * The distinct keys, in order. Each key gets a placeholder in {@code result} (which detects the
   * duplicates without a set of its own); {@link #collect} replaces or removes every placeholder.
   */
  @SuppressWarnings("unchecked")
  List<K> distinctKeys(Iterable<? extends K> keys, Map<K, V> result) {
    List<K> distinct =
        keys instanceof Collection<?> c ? new ArrayList<>(c.size()) : new ArrayList<>();
    for (K key : keys) {
      if (result.put(Objects.requireNonNull(key, "keys must not contain null"), (V) PENDING)
          == null) {
        distinct.add(key);
      }
    }
    return distinct;
  }

  byte[][] redisKeys(List<K> keys) {
    byte[][] redisKeys = new byte[keys.size()][];
    for (int i = 0; i < redisKeys.length; i++) {
      redisKeys[i] = cache.layout.redisKey(keys.get(i));
    }
    return redisKeys;
  }

  /** The initial capacity of a hash map that holds {@code size} entries without resizing. */
  static int capacity(int size) {
    return Math.max(4, (int) (size / 0.75f) + 1);
  }
}
