package dev.strata.cache.spi;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Tells a load whether its key was written or invalidated while it ran, so that a value read or
 * loaded before the change is not cached after it.
 *
 * <p>A load takes the {@link #stamp(Object) stamp} of its key before it reads or calls its loader,
 * and fills only if the key's stamp is still {@link #unchanged(Object, long) unchanged}. A write or
 * an invalidation calls {@link #invalidated(Object)} <em>before</em> it changes the entry (and
 * {@link #invalidatedAll()} before it clears everything): then either the load sees the new stamp
 * and does not fill, or its fill happened first and the change overrides it.
 *
 * <p>Keys share a fixed set of striped counters by hash: a change of one key moves the stamps of
 * the keys of its stripe only, so it discards no fill of other keys except for a hash collision (a
 * false alarm, which costs only one value that is not cached).
 *
 * <p>Thread-safe and lock-free; no method allocates.
 */
public final class InvalidationStamps {

  /** The default number of stripes. */
  public static final int DEFAULT_STRIPES = 1024;

  private final AtomicLongArray stripes;
  private final int mask;
  private final AtomicLong all = new AtomicLong();

  /** Creates stamps of {@value #DEFAULT_STRIPES} stripes. */
  public InvalidationStamps() {
    this(DEFAULT_STRIPES);
  }

  /**
   * Creates stamps of a number of stripes.
   *
   * @param stripes a power of two from 1 to 65,536: more stripes, fewer false alarms, more memory
   *     (8 bytes a stripe)
   * @throws IllegalArgumentException if {@code stripes} is not such a power of two
   */
  public InvalidationStamps(int stripes) {
    if (stripes < 1 || stripes > 65_536 || Integer.bitCount(stripes) != 1) {
      throw new IllegalArgumentException(
          "stripes must be a power of two from 1 to 65536 but was " + stripes);
    }
    this.stripes = new AtomicLongArray(stripes);
    this.mask = stripes - 1;
  }

  /**
   * Returns the current stamp of a key.
   *
   * @param key the key; not null
   * @return a value that changes whenever {@code key} (or a key of its stripe, or everything) is
   *     invalidated
   */
  public long stamp(Object key) {
    return stripes.get(index(key)) + all.get();
  }

  /**
   * Returns whether no invalidation of {@code key} happened since {@code stamp} was taken.
   *
   * @param key the key; not null
   * @param stamp a stamp of {@code key}
   * @return {@code true} if the key's stamp is still {@code stamp}
   */
  public boolean unchanged(Object key, long stamp) {
    return stamp(key) == stamp;
  }

  /**
   * Records that a key is being written or invalidated. Call before changing the entry.
   *
   * @param key the key; not null
   */
  public void invalidated(Object key) {
    stripes.incrementAndGet(index(key));
  }

  /** Records that every key is being invalidated. Call before clearing the entries. */
  public void invalidatedAll() {
    all.incrementAndGet();
  }

  private int index(Object key) {
    int h = key.hashCode();
    return (h ^ (h >>> 16)) & mask;
  }

  @Override
  public String toString() {
    return "InvalidationStamps[" + stripes.length() + " stripes]";
  }
}
