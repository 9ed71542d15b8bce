package dev.strata.session;

/**
 * An immutable snapshot of what one {@link SessionStore} instance did since it was built. Counts
 * only grow; subtract two snapshots with {@link #minus(SessionStoreStats)} to see what happened in
 * between. {@code SessionStoreMetrics} in {@code dev.strata.session.metrics} publishes them to
 * Micrometer.
 *
 * @param created sessions saved for the first time
 * @param expired loads that found a session past its idle timeout or absolute lifetime
 * @param invalidated sessions invalidated explicitly (by id or by principal)
 * @param evicted sessions evicted by the per-principal cap
 * @param loads loads that reached the store (hits and misses)
 * @param loadMisses loads that found no live session
 * @param loadNanos time spent in loads that reached the store
 * @param saves completed saves
 * @param saveNanos time spent in completed saves
 * @param decodeFailures stored attribute values that could not be decoded (kept in the store,
 *     skipped for the request)
 * @param rejectedIds ids refused as malformed without contacting the store
 * @param failures operations that failed because the store was unavailable
 * @param sizeLimitRejections saves refused because the stored session would exceed {@code
 *     maxSessionBytes}
 * @param oversizedLoads loaded sessions already larger than {@code maxSessionBytes}
 */
public record SessionStoreStats(
    long created,
    long expired,
    long invalidated,
    long evicted,
    long loads,
    long loadMisses,
    long loadNanos,
    long saves,
    long saveNanos,
    long decodeFailures,
    long rejectedIds,
    long failures,
    long sizeLimitRejections,
    long oversizedLoads) {

  /**
   * Returns the difference of this snapshot and an earlier one.
   *
   * @param earlier a snapshot taken before this one
   * @return the counts that happened in between
   */
  public SessionStoreStats minus(SessionStoreStats earlier) {
    return new SessionStoreStats(
        created - earlier.created,
        expired - earlier.expired,
        invalidated - earlier.invalidated,
        evicted - earlier.evicted,
        loads - earlier.loads,
        loadMisses - earlier.loadMisses,
        loadNanos - earlier.loadNanos,
        saves - earlier.saves,
        saveNanos - earlier.saveNanos,
        decodeFailures - earlier.decodeFailures,
        rejectedIds - earlier.rejectedIds,
        failures - earlier.failures,
        sizeLimitRejections - earlier.sizeLimitRejections,
        oversizedLoads - earlier.oversizedLoads);
  }
}
