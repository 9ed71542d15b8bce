package dev.strata.cache.strategy;

import dev.strata.cache.Cache;
import dev.strata.cache.internal.Checks;
import dev.strata.cache.internal.KeyLocks;
import dev.strata.cache.spi.ForwardingCache;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.concurrent.locks.ReentrantLock;
import org.jspecify.annotations.Nullable;

/**
 * The base of the write strategies: a single-key write is first handed to the system of record (by
 * {@link #record}) and only then applied to the cache, under a lock of its key, so that concurrent
 * writes to one key reach the cache in the order the system of record got them. If {@link #record}
 * throws, the cache is left unchanged and the exception reaches the caller. Thread-safe.
 *
 * @param <K> the key type
 * @param <V> the value type
 */
abstract class KeySerializedWriteCache<K, V> extends ForwardingCache<K, V> {

  private final KeyLocks locks = new KeyLocks(64);

  KeySerializedWriteCache(Cache<K, V> delegate, Executor asyncExecutor) {
    super(delegate, asyncExecutor);
  }

  /**
   * Hands one write on to the system of record (writes it, or queues it for writing); called with
   * the key's lock held. Throws to refuse the write, leaving the cache unchanged.
   *
   * @param key the key
   * @param value the new value, or {@code null} for a delete
   * @param startNanos when the write began ({@link System#nanoTime()}), for deadlines
   * @return {@code true} when recorded; {@code false} to have {@link #awaitRoom(long)} called
   *     without the lock and the write tried again
   */
  abstract boolean record(K key, @Nullable V value, long startNanos);

  /**
   * Waits, holding no lock, until {@link #record} may succeed; throws to give up. Called only after
   * {@link #record} returned {@code false}.
   *
   * @param startNanos when the write began
   */
  void awaitRoom(long startNanos) {
    throw new IllegalStateException("record returned false without a way to wait");
  }

  /** Checks the arguments, records the put, then caches {@code value} with the default TTL. */
  final void recordAndPut(K key, V value) {
    Objects.requireNonNull(key, "key must not be null");
    Objects.requireNonNull(value, "value must not be null");
    recordAndApply(key, value, null);
  }

  /** Checks the arguments, records the put, then caches {@code value} for {@code ttl}. */
  final void recordAndPut(K key, V value, Duration ttl) {
    Objects.requireNonNull(key, "key must not be null");
    Objects.requireNonNull(value, "value must not be null");
    Checks.positiveTtl(ttl);
    recordAndApply(key, value, ttl);
  }

  /** Checks the key, records the delete, then invalidates the key in the cache. */
  final void recordAndInvalidate(K key) {
    Objects.requireNonNull(key, "key must not be null");
    recordAndApply(key, null, null);
  }

  private void recordAndApply(K key, @Nullable V value, @Nullable Duration ttl) {
    ReentrantLock lock = locks.lockFor(key);
    long startNanos = System.nanoTime();
    while (true) {
      lock.lock();
      try {
        if (record(key, value, startNanos)) {
          if (value == null) {
            delegate().invalidate(key);
          } else if (ttl == null) {
            delegate().put(key, value);
          } else {
            delegate().put(key, value, ttl);
          }
          return;
        }
      } finally {
        lock.unlock();
      }
      awaitRoom(startNanos);
    }
  }
}
