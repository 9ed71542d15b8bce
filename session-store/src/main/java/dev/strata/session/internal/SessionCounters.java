package dev.strata.session.internal;

import java.util.concurrent.atomic.LongAdder;

/**
 * The live counters of one session store. Recording costs one {@link LongAdder} increment; the
 * store turns them into an immutable snapshot on request.
 *
 * <p>Thread-safe. All counts start at zero and only grow.
 */
public final class SessionCounters {

  /** Sessions saved for the first time. */
  public final LongAdder created = new LongAdder();

  /** Loads that found a session past its idle timeout or absolute lifetime. */
  public final LongAdder expired = new LongAdder();

  /** Sessions invalidated explicitly (by id or by principal). */
  public final LongAdder invalidated = new LongAdder();

  /** Sessions evicted by the per-principal cap. */
  public final LongAdder evicted = new LongAdder();

  /** Loads that reached the store. */
  public final LongAdder loads = new LongAdder();

  /** Loads that found no live session. */
  public final LongAdder loadMisses = new LongAdder();

  /** Time spent in loads, in nanoseconds. */
  public final LongAdder loadNanos = new LongAdder();

  /** Completed saves. */
  public final LongAdder saves = new LongAdder();

  /** Time spent in completed saves, in nanoseconds. */
  public final LongAdder saveNanos = new LongAdder();

  /** Stored attribute values that could not be decoded (kept in the store, skipped). */
  public final LongAdder decodeFailures = new LongAdder();

  /** Ids refused as malformed without a store call. */
  public final LongAdder rejectedIds = new LongAdder();

  /** Operations that failed because the store was unavailable. */
  public final LongAdder failures = new LongAdder();

  /** Saves refused because the stored session would exceed its size limit. */
  public final LongAdder sizeLimitRejections = new LongAdder();

  /** Loaded sessions found larger than the size limit (written by an older configuration). */
  public final LongAdder oversizedLoads = new LongAdder();
}
