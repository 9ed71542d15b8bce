package dev.strata.cache.local.internal;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Counts invalidations so that a load can tell whether its key was invalidated while it ran: a load
 * reads {@link #of(Object)} before calling the loader, fills the cache, and removes its value again
 * if the version moved. Keys share a fixed set of striped counters, so a false alarm (an
 * invalidation of another key of the same stripe) only costs one entry that is not cached.
 *
 * <p>An invalidation must bump the version <em>before</em> removing the entry: then either the load
 * sees the new version and removes its value, or its fill happened before the removal and the
 * removal takes it away.
 */
final class InvalidationVersions {

  private static final int STRIPES = 64;

  private final AtomicLongArray stripes = new AtomicLongArray(STRIPES);
  private final AtomicLong all = new AtomicLong();

  /** The current version of {@code key}: changes whenever it or the whole cache is invalidated. */
  long of(Object key) {
    return stripes.get(stripe(key)) + all.get();
  }

  /** Records an invalidation of {@code key}. */
  void bump(Object key) {
    stripes.incrementAndGet(stripe(key));
  }

  /** Records an invalidation of every key. */
  void bumpAll() {
    all.incrementAndGet();
  }

  private static int stripe(Object key) {
    int h = key.hashCode();
    return (h ^ (h >>> 16)) & (STRIPES - 1);
  }
}
