package dev.strata.cache.invalidation;

/**
 * Holds version counters that are part of stored cache keys: bumping a counter orphans every entry
 * stored under the old version, in O(1), without touching the entries (they expire by their TTL).
 *
 * <p>A counter that was never bumped has version 0, and versions only grow while the store is
 * reachable. Implementations are thread-safe; a shared implementation (Redis) may cache versions
 * locally for a short, bounded time, so a bump by another node becomes visible within that time.
 * When a shared store cannot be reached it may answer with a version that no entry was ever stored
 * under (a negative one, say), so that lookups miss and callers fall back to their loader rather
 * than read entries that a bump they did not see has orphaned.
 */
public interface VersionStore {

  /**
   * Returns the current version of a counter.
   *
   * @param id the counter, for example a namespace or a namespace plus an encoded key
   * @return the version, 0 if never bumped; see the class description for unreachable stores
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
