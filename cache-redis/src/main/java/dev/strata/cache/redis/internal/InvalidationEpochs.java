package dev.strata.cache.redis.internal;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Detects that a key was invalidated while a value for it was being fetched, so that a stale value
 * read before the invalidation is not kept in a local cache after it.
 *
 * <p>Keys map onto a fixed set of counters by hash; invalidating a key bumps its counter,
 * invalidating everything bumps a shared one. A fetch takes a {@link #stamp(Object)} before it
 * reads and checks it with {@link #unchanged(Object, long)} after it filled: a changed stamp means
 * an invalidation may have overtaken the fetch (or one of a key sharing the counter: a false alarm
 * costs only a refetch). Thread-safe and lock-free.
 */
public final class InvalidationEpochs {

  private static final int STRIPES = 1024;

  private final AtomicLongArray perKey = new AtomicLongArray(STRIPES);
  private final AtomicLong all = new AtomicLong();

  /**
   * Returns the current stamp of a key.
   *
   * @param key the key
   * @return a value that changes whenever {@code key} (or everything) is invalidated
   */
  public long stamp(Object key) {
    return perKey.get(index(key)) + all.get();
  }

  /**
   * Returns whether no invalidation of {@code key} happened since {@code stamp} was taken.
   *
   * @param key the key
   * @param stamp a stamp of {@code key}
   * @return {@code true} if the key's stamp is still {@code stamp}
   */
  public boolean unchanged(Object key, long stamp) {
    return stamp(key) == stamp;
  }

  /**
   * Records that a key is being invalidated. Call before removing the local copy.
   *
   * @param key the key
   */
  public void invalidated(Object key) {
    perKey.incrementAndGet(index(key));
  }

  /** Records that every key is being invalidated. Call before clearing the local copies. */
  public void invalidatedAll() {
    all.incrementAndGet();
  }

  private static int index(Object key) {
    int h = key.hashCode();
    return (h ^ (h >>> 16)) & (STRIPES - 1);
  }
}
