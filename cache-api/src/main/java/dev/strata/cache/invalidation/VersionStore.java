package dev.strata.cache.invalidation;

/**
 * Holds version counters that are part of stored cache keys: bumping a counter orphans every entry
 * stored under the old version, in O(1), without touching the entries (they expire by their TTL).
 *
 * <p>A counter that was never bumped has version 0. Versions only grow. Implementations are
 * thread-safe; a shared implementation (Redis) may cache versions locally for a short, bounded
 * time, so a bump by another node becomes visible within that time.
 */
public interface VersionStore {

  /**
   * Returns the current version of a counter.
   *
   * @param id the counter, for example a namespace or a namespace plus an encoded key
   * @return the version, 0 if never bumped
   */
  long version(String id);

  /**
   * Increments a counter and returns its new version. Visible to this node at once.
   *
   * @param id the counter
   * @return the new version
   */
  long bump(String id);
}
