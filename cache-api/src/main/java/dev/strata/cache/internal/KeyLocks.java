package dev.strata.cache.internal;

import java.util.concurrent.locks.ReentrantLock;

/**
 * A fixed set of locks chosen by key hash, so that writes to one key are serialised without a lock
 * per key or one global lock. Thread-safe.
 */
public final class KeyLocks {

  private final ReentrantLock[] locks;
  private final int mask;

  /**
   * Creates the locks.
   *
   * @param stripes how many locks; rounded up to a power of two
   */
  public KeyLocks(int stripes) {
    int size = Integer.highestOneBit(Math.max(1, stripes - 1)) << 1;
    locks = new ReentrantLock[size];
    for (int i = 0; i < size; i++) {
      locks[i] = new ReentrantLock();
    }
    mask = size - 1;
  }

  /**
   * Returns the lock of {@code key}; equal keys always get the same lock.
   *
   * @param key a non-null key
   * @return its lock
   */
  public ReentrantLock lockFor(Object key) {
    int h = key.hashCode();
    return locks[(h ^ (h >>> 16)) & mask];
  }
}
