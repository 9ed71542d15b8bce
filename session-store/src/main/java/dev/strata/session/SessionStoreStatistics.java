package dev.strata.session;

import java.util.concurrent.atomic.LongAdder;

/**
 * Live counters of one {@link SessionStore} instance. Recording costs one {@link LongAdder}
 * increment; reading sums the adders. {@code SessionStoreMetrics} in {@code
 * dev.strata.session.metrics} publishes them to Micrometer.
 *
 * <p>Thread-safe. All counts start at zero when the store is built and only grow.
 */
public final class SessionStoreStatistics {

  private final LongAdder created = new LongAdder();
  private final LongAdder expired = new LongAdder();
  private final LongAdder invalidated = new LongAdder();
  private final LongAdder evicted = new LongAdder();
  private final LongAdder loads = new LongAdder();
  private final LongAdder loadMisses = new LongAdder();
  private final LongAdder loadNanos = new LongAdder();
  private final LongAdder saves = new LongAdder();
  private final LongAdder saveNanos = new LongAdder();
  private final LongAdder decodeFailures = new LongAdder();
  private final LongAdder rejectedIds = new LongAdder();
  private final LongAdder failures = new LongAdder();

  SessionStoreStatistics() {}

  /**
   * Returns how many new sessions were saved for the first time.
   *
   * @return the count
   */
  public long created() {
    return created.sum();
  }

  /**
   * Returns how many loads found a session past its idle timeout or absolute lifetime.
   *
   * @return the count
   */
  public long expired() {
    return expired.sum();
  }

  /**
   * Returns how many sessions were invalidated explicitly (by id or by principal).
   *
   * @return the count
   */
  public long invalidated() {
    return invalidated.sum();
  }

  /**
   * Returns how many sessions were evicted by the per-principal session cap.
   *
   * @return the count
   */
  public long evicted() {
    return evicted.sum();
  }

  /**
   * Returns how many loads reached the store (hits and misses).
   *
   * @return the count
   */
  public long loads() {
    return loads.sum();
  }

  /**
   * Returns how many loads found no live session.
   *
   * @return the count
   */
  public long loadMisses() {
    return loadMisses.sum();
  }

  /**
   * Returns the total time spent in loads that reached the store, in nanoseconds.
   *
   * @return the sum
   */
  public long loadNanos() {
    return loadNanos.sum();
  }

  /**
   * Returns how many saves completed.
   *
   * @return the count
   */
  public long saves() {
    return saves.sum();
  }

  /**
   * Returns the total time spent in completed saves, in nanoseconds.
   *
   * @return the sum
   */
  public long saveNanos() {
    return saveNanos.sum();
  }

  /**
   * Returns how many stored attribute values could not be decoded and were dropped.
   *
   * @return the count
   */
  public long decodeFailures() {
    return decodeFailures.sum();
  }

  /**
   * Returns how many ids were refused as malformed without contacting the store.
   *
   * @return the count
   */
  public long rejectedIds() {
    return rejectedIds.sum();
  }

  /**
   * Returns how many operations failed because the store was unavailable.
   *
   * @return the count
   */
  public long failures() {
    return failures.sum();
  }

  void recordCreated() {
    created.increment();
  }

  void recordExpired() {
    expired.increment();
  }

  void recordInvalidated(int count) {
    invalidated.add(count);
  }

  void recordEvicted() {
    evicted.increment();
  }

  void recordLoad(long nanos, boolean hit) {
    loads.increment();
    loadNanos.add(nanos);
    if (!hit) {
      loadMisses.increment();
    }
  }

  void recordSave(long nanos) {
    saves.increment();
    saveNanos.add(nanos);
  }

  void recordDecodeFailure() {
    decodeFailures.increment();
  }

  void recordRejectedId() {
    rejectedIds.increment();
  }

  void recordFailure() {
    failures.increment();
  }
}
