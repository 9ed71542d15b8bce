package dev.strata.cache.redis;

import dev.strata.cache.CacheLoadException;
import dev.strata.cache.CacheLoader;
import dev.strata.cache.redis.internal.LeasedFill;
import dev.strata.cache.redis.internal.StoredEntries;
import dev.strata.cache.redis.internal.StoredValueFormat;
import dev.strata.cache.spi.SingleFlight;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeoutException;
import org.jspecify.annotations.Nullable;

/**
 * The leased loads of a {@link RedisCache}: the blocking load of one key after a miss, and the
 * lease steps shared with the bulk and non-blocking loads: what a lease attempt found in the key,
 * sorting the answers of a bulk attempt, giving the leases of a failed load back, and the fills
 * after a load (checked against this process's stamps and the lease). Thread-safe (stateless apart
 * from the cache).
 */
final class LeasedLoads<K, V> {

  private final RedisCache<K, V> cache;

  LeasedLoads(RedisCache<K, V> cache) {
    this.cache = cache;
  }

  /**
   * Loads one key after a miss, or waits for this process's load of it in flight (single flight):
   * the loader's unchecked failure is rethrown as it is, a checked one wrapped in a {@link
   * CacheLoadException}.
   */
  @Nullable V loadOnce(K key, byte[] redisKey, CacheLoader<? super K, ? extends V> loader) {
    SingleFlight<K, V> flight = cache.singleFlight;
    CompletableFuture<@Nullable V> mine = new CompletableFuture<>();
    CompletableFuture<@Nullable V> running = flight.lead(key, mine);
    if (running != null) {
      return flight.await(running);
    }
    V value;
    try {
      value = load(key, redisKey, loader, mine);
    } catch (Throwable t) {
      flight.fail(key, mine, t);
      throw SingleFlight.rethrow(cache.name(), t);
    }
    flight.complete(key, mine, value);
    return value;
  }

  /**
   * Loads one key after a miss, as the single flight {@code mine} of this process: takes the key's
   * lease (or waits for another caller's fill), loads, and fills under the lease.
   */
  private @Nullable V load(
      K key,
      byte[] redisKey,
      CacheLoader<? super K, ? extends V> loader,
      CompletableFuture<@Nullable V> mine)
      throws Exception {
    long stamp = cache.stamps.stamp(key);
    LeasedFill.Acquired lease = cache.leaseWaits.acquireOrWait(redisKey, cache.leaseMaxWait);
    releaseOnTimeout(mine, redisKey, lease);
    Object found = foundWhileLeasing(redisKey, lease);
    if (found != StoredEntries.MISS) {
      return StoredEntries.unwrap(found);
    }
    long start = System.nanoTime();
    V value;
    try {
      value = loader.load(key);
    } catch (Throwable t) {
      cache.stats.recordLoadFailure(System.nanoTime() - start);
      cache.leasedFill.release(redisKey, lease).join();
      throw t;
    }
    long loadNanos = System.nanoTime() - start;
    cache.stats.recordLoadSuccess(loadNanos);
    fill(
            List.of(key),
            List.of(redisKey),
            Collections.singletonList(value),
            List.of(lease),
            new long[] {stamp},
            loadNanos)
        .join();
    return value;
  }

  /**
   * Gives the lease of a load back as soon as its single flight {@code flight} fails with the load
   * timeout: the next lookup of the key (of any process) then takes the lease and loads, instead of
   * waiting for a load that its own process has given up on; the late load's fill, if any, is
   * rejected because its lease is gone.
   */
  void releaseOnTimeout(CompletableFuture<?> flight, byte[] redisKey, LeasedFill.Acquired lease) {
    if (lease.outcome() != LeasedFill.Outcome.GRANTED) {
      return;
    }
    flight.whenComplete(
        (value, error) -> {
          if (error instanceof CacheLoadException && error.getCause() instanceof TimeoutException) {
            cache.leasedFill.release(redisKey, lease);
          }
        });
  }

  /**
   * Returns what a lease attempt found in the key instead of a lease: the decoded entry, or {@link
   * StoredEntries#MISS} when the lease was granted, is busy, Redis could not answer, or the entry
   * is corrupt.
   */
  Object foundWhileLeasing(byte[] redisKey, LeasedFill.Acquired lease) {
    byte[] stored = lease.bytes();
    return lease.outcome() == LeasedFill.Outcome.FOUND && stored != null
        ? cache.entries.decode(redisKey, stored)
        : StoredEntries.MISS;
  }

  /**
   * Sorts the answers of a bulk lease attempt: entries found meanwhile move from {@code missing}
   * into {@code result} (a negative entry is left out); the rest keep their lease outcome.
   *
   * @return the lease outcome of every key still in {@code missing}
   */
  Map<K, LeasedFill.Acquired> sortLeases(
      Map<K, byte[]> missing, List<LeasedFill.Acquired> answers, Map<K, V> result) {
    Map<K, LeasedFill.Acquired> leases =
        new HashMap<>(RedisCacheBulkReads.capacity(missing.size()));
    int i = 0;
    for (Iterator<Map.Entry<K, byte[]>> it = missing.entrySet().iterator(); it.hasNext(); i++) {
      Map.Entry<K, byte[]> entry = it.next();
      LeasedFill.Acquired lease = answers.get(i);
      Object found = foundWhileLeasing(entry.getValue(), lease);
      if (found == StoredEntries.MISS) {
        leases.put(entry.getKey(), lease);
        continue;
      }
      it.remove();
      V value = StoredEntries.unwrap(found);
      if (value != null) {
        result.put(entry.getKey(), value);
      }
    }
    return leases;
  }

  /**
   * Moves the keys whose lease another caller holds out of {@code missing}, in order.
   *
   * @return the keys moved, with their Redis keys
   */
  Map<K, byte[]> takeBusy(Map<K, byte[]> missing, Map<K, LeasedFill.Acquired> held) {
    Map<K, byte[]> busy = new LinkedHashMap<>();
    for (Iterator<Map.Entry<K, byte[]>> it = missing.entrySet().iterator(); it.hasNext(); ) {
      Map.Entry<K, byte[]> entry = it.next();
      LeasedFill.Acquired lease = held.get(entry.getKey());
      if (lease != null && lease.outcome() == LeasedFill.Outcome.BUSY) {
        busy.put(entry.getKey(), entry.getValue());
        it.remove();
      }
    }
    return busy;
  }

  /**
   * Gives back the leases that waits granted to a bulk load that failed meanwhile.
   *
   * @param keys the keys waited for, in the order of {@code answers}
   */
  void releaseAll(Map<K, byte[]> keys, List<LeasedFill.Acquired> answers) {
    int i = 0;
    for (byte[] redisKey : keys.values()) {
      cache.leasedFill.release(redisKey, answers.get(i++));
    }
  }

  /** Gives back the leases of a bulk load that failed; never completes exceptionally. */
  CompletableFuture<Void> releaseAll(Map<K, byte[]> missing, Map<K, LeasedFill.Acquired> leases) {
    List<CompletableFuture<?>> releases = new ArrayList<>();
    missing.forEach(
        (key, redisKey) -> {
          LeasedFill.Acquired lease = leases.get(key);
          if (lease != null) {
            releases.add(cache.leasedFill.release(redisKey, lease));
          }
        });
    return CompletableFuture.allOf(releases.toArray(new CompletableFuture<?>[0]));
  }

  /** Fills the entries of a bulk load: found values, and negative entries for the rest. */
  CompletableFuture<Boolean> fill(
      Map<K, byte[]> missing,
      Map<?, ? extends V> loaded,
      Map<K, V> result,
      Map<K, LeasedFill.Acquired> held,
      long[] loadStamps,
      long loadNanos) {
    List<K> keys = new ArrayList<>(missing.size());
    List<byte[]> redisKeys = new ArrayList<>(missing.size());
    List<@Nullable V> values = new ArrayList<>(missing.size());
    List<LeasedFill.Acquired> leaseList = new ArrayList<>(missing.size());
    for (Map.Entry<K, byte[]> entry : missing.entrySet()) {
      V value = loaded.get(entry.getKey());
      if (value != null) {
        result.put(entry.getKey(), value);
      }
      keys.add(entry.getKey());
      redisKeys.add(entry.getValue());
      values.add(value);
      leaseList.add(held.getOrDefault(entry.getKey(), LeasedFill.NO_LEASE));
    }
    return fill(keys, redisKeys, values, leaseList, loadStamps, loadNanos);
  }

  /**
   * Writes loaded values (null for "absent": a negative entry when negative caching is on, nothing
   * otherwise) to the keys whose fill lease was granted, each only while its key still holds that
   * lease (so no put, invalidation or delete by any process happened since), and unless this
   * process put or invalidated the key since the load started. Gives back the leases of entries not
   * filled. With early refresh on, values that expire are stored with the load's duration and their
   * expiry. Never fails.
   */
  CompletableFuture<Boolean> fill(
      List<K> cacheKeys,
      List<byte[]> redisKeys,
      List<? extends @Nullable V> values,
      List<LeasedFill.Acquired> leaseList,
      long[] loadStamps,
      long loadNanos) {
    int size = redisKeys.size();
    List<K> owners = new ArrayList<>(size);
    long[] ownerStamps = new long[size];
    List<byte[]> keys = new ArrayList<>(size);
    List<byte[]> stored = new ArrayList<>(size);
    List<LeasedFill.Acquired> granted = new ArrayList<>(size);
    List<CompletableFuture<?>> releases = new ArrayList<>();
    long[] ttls = new long[size];
    for (int i = 0; i < size; i++) {
      LeasedFill.Acquired lease = leaseList.get(i);
      if (lease.outcome() != LeasedFill.Outcome.GRANTED) {
        if (lease.outcome() == LeasedFill.Outcome.UNAVAILABLE) {
          cache.redis.countSkippedWrites(1);
        }
        continue;
      }
      byte[] bytes = storedForFill(values.get(i));
      if (bytes == null) {
        releases.add(cache.leasedFill.release(redisKeys.get(i), lease));
        continue;
      }
      long ttl =
          RedisCache.millis(
              values.get(i) == null
                  ? cache.ttlPolicy.nextNegativeTtl()
                  : cache.ttlPolicy.nextDefaultTtl());
      if (cache.earlyRefresh != null && values.get(i) != null && ttl > 0) {
        bytes = EarlyRefresh.frame(bytes, loadNanos, ttl);
      }
      ttls[keys.size()] = ttl;
      ownerStamps[keys.size()] = loadStamps[i];
      owners.add(cacheKeys.get(i));
      keys.add(redisKeys.get(i));
      stored.add(bytes);
      granted.add(lease);
    }
    CompletableFuture<Integer> landed = CompletableFuture.completedFuture(0);
    if (!keys.isEmpty()) {
      List<byte @Nullable []> fillLeases = new ArrayList<>(keys.size());
      cache.fillLock.readLock().lock();
      try {
        for (int i = 0; i < keys.size(); i++) {
          boolean current = cache.stamps.unchanged(owners.get(i), ownerStamps[i]);
          fillLeases.add(current ? granted.get(i).bytes() : null);
          if (!current) {
            releases.add(cache.leasedFill.release(keys.get(i), granted.get(i)));
          }
        }
        landed = cache.leasedFill.fill(keys, fillLeases, stored, ttls);
      } finally {
        cache.fillLock.readLock().unlock();
      }
    }
    int wanted = keys.size();
    return landed.thenCombine(
        CompletableFuture.allOf(releases.toArray(new CompletableFuture<?>[0])),
        (n, done) -> n == wanted);
  }

  /** The stored form of a loaded value, or null when it is not cached (counted and logged). */
  private byte @Nullable [] storedForFill(@Nullable V value) {
    if (value != null) {
      return cache.entries.encodeForFill(value);
    }
    return cache.ttlPolicy.cachesNegatives() ? StoredValueFormat.absentMarker() : null;
  }
}
