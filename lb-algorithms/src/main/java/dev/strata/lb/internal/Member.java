package dev.strata.lb.internal;

import dev.strata.lb.Endpoint;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * The live state of one pool member: its current definition, health, in-flight count, latency and
 * failure estimates and outlier-ejection state.
 *
 * <p>Thread-safe. Counters are updated atomically; the estimates are updated under this object's
 * monitor by completions and read without locking by selectors (a slightly stale estimate is
 * harmless). One instance lives as long as its endpoint id stays in the pool, across re-weighting.
 */
public final class Member {

  private static final VarHandle IN_FLIGHT;
  private static final VarHandle CONSECUTIVE_FAILURES;

  static {
    try {
      MethodHandles.Lookup lookup = MethodHandles.lookup();
      IN_FLIGHT = lookup.findVarHandle(Member.class, "inFlight", long.class);
      CONSECUTIVE_FAILURES = lookup.findVarHandle(Member.class, "consecutiveFailures", int.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  private volatile Endpoint endpoint;
  private volatile boolean healthy = true;
  private volatile boolean draining;
  private volatile long drainDeadlineNanos = Long.MAX_VALUE;
  private volatile long availableSinceNanos;

  @SuppressWarnings("unused") // accessed through IN_FLIGHT
  private volatile long inFlight;

  @SuppressWarnings("unused") // accessed through CONSECUTIVE_FAILURES
  private volatile int consecutiveFailures;

  private volatile double latencyEwmaNanos;
  private volatile long latencyStampNanos;
  private volatile boolean latencyMeasured;
  private volatile double peakCostNanos;
  private volatile long peakStampNanos;
  private volatile double failureScore;
  private volatile long failureStampNanos;

  private volatile long ejectedUntilNanos = Long.MIN_VALUE;
  private volatile int ejections;
  private long lastEjectionEndNanos;

  /**
   * Creates the state of a new member.
   *
   * @param endpoint its definition
   * @param nowNanos the time it joined, the start of its slow-start window
   */
  public Member(Endpoint endpoint, long nowNanos) {
    this.endpoint = endpoint;
    this.availableSinceNanos = nowNanos;
    this.latencyStampNanos = nowNanos;
    this.peakStampNanos = nowNanos;
    this.failureStampNanos = nowNanos;
  }

  /** Returns the current definition. */
  public Endpoint endpoint() {
    return endpoint;
  }

  /** Replaces the definition (same id), for re-weighting. */
  public void endpoint(Endpoint replacement) {
    this.endpoint = replacement;
  }

  /** Returns the current weight. */
  public int weight() {
    return endpoint.weight();
  }

  /** Returns the health state set by an active checker or the user. */
  public boolean healthy() {
    return healthy;
  }

  /**
   * Sets the health state; a transition to healthy restarts the slow-start window.
   *
   * @return whether the state changed
   */
  public boolean healthy(boolean value, long nowNanos) {
    if (healthy == value) {
      return false;
    }
    if (value) {
      availableSinceNanos = nowNanos;
    }
    healthy = value;
    return true;
  }

  /** Returns when the member joined or last became healthy again. */
  public long availableSinceNanos() {
    return availableSinceNanos;
  }

  /** Returns the time until which the member is ejected ({@link Long#MIN_VALUE} if never). */
  public long ejectedUntilNanos() {
    return ejectedUntilNanos;
  }

  /** Returns whether the member may receive traffic at {@code nowNanos} outside panic mode. */
  public boolean available(long nowNanos) {
    return healthy && !draining && ejectedUntilNanos <= nowNanos;
  }

  /** Returns whether the member is draining: no new picks, even in panic mode. */
  public boolean draining() {
    return draining;
  }

  /** Returns when a draining member leaves the pool at the latest. */
  public long drainDeadlineNanos() {
    return drainDeadlineNanos;
  }

  /**
   * Starts draining; the caller holds the pool's lock.
   *
   * @param deadlineNanos when the member leaves the pool even with requests in flight
   * @return whether it was not draining before
   */
  public boolean startDraining(long deadlineNanos) {
    if (draining) {
      return false;
    }
    drainDeadlineNanos = deadlineNanos;
    draining = true;
    return true;
  }

  /** Returns the number of selected requests not yet completed. */
  public long inFlight() {
    // a completion reported after the member was removed and re-added may undercount
    return Math.max(0L, (long) IN_FLIGHT.getOpaque(this));
  }

  /** Counts one more request in flight. */
  public void incrementInFlight() {
    // the cast keeps the call site's type exact, so the VarHandle call compiles to one instruction
    long unused = (long) IN_FLIGHT.getAndAdd(this, 1L);
  }

  /** Counts one request less in flight. */
  public void decrementInFlight() {
    long unused = (long) IN_FLIGHT.getAndAdd(this, -1L);
  }

  /** Returns the number of failures since the last success or ejection. */
  public int consecutiveFailures() {
    return (int) CONSECUTIVE_FAILURES.getVolatile(this);
  }

  /** Records a failure and returns the new count of consecutive failures. */
  public int recordConsecutiveFailure() {
    return (int) CONSECUTIVE_FAILURES.getAndAdd(this, 1) + 1;
  }

  /** Clears the count of consecutive failures (on success). */
  public void clearConsecutiveFailures() {
    if ((int) CONSECUTIVE_FAILURES.getOpaque(this) != 0) {
      CONSECUTIVE_FAILURES.setVolatile(this, 0);
    }
  }

  /**
   * Folds a completed request into the latency, peak-cost and failure estimates.
   *
   * @param nowNanos completion time
   * @param latencyNanos observed latency
   * @param failed whether the request failed
   * @param failurePenaltyNanos latency charged to the peak cost for a failure
   * @param decayNanos time constant of the exponential decay
   */
  public synchronized void observe(
      long nowNanos, long latencyNanos, boolean failed, long failurePenaltyNanos, long decayNanos) {
    double rtt = Math.max(0L, latencyNanos);
    // time-weighted EWMA of latency: an old estimate weighs less the longer ago it was made
    double w = decayWeight(nowNanos - latencyStampNanos, decayNanos);
    latencyEwmaNanos = latencyMeasured ? latencyEwmaNanos * w + rtt * (1 - w) : rtt;
    latencyMeasured = true;
    latencyStampNanos = nowNanos;
    // peak EWMA (Finagle): jump to a higher observation at once, decay towards lower ones
    double charged = failed ? Math.max(rtt, failurePenaltyNanos) : rtt;
    double wp = decayWeight(nowNanos - peakStampNanos, decayNanos);
    double cost = peakCostNanos * wp;
    peakCostNanos = charged > cost ? charged : cost + charged * (1 - wp);
    peakStampNanos = nowNanos;
    // failure score: per-request EWMA of failures, decaying towards zero with idle time
    double score = failureScore(nowNanos, decayNanos);
    failureScore = score * (1 - FAILURE_ALPHA) + (failed ? FAILURE_ALPHA : 0);
    failureStampNanos = nowNanos;
  }

  private static final double FAILURE_ALPHA = 0.1;

  /** Returns the latency estimate, or 0 if nothing was measured yet. */
  public double latencyEwmaNanos() {
    return latencyEwmaNanos;
  }

  /** Returns whether at least one completion was observed. */
  public boolean latencyMeasured() {
    return latencyMeasured;
  }

  /** Returns the peak-EWMA cost, decayed towards zero for the time since the last observation. */
  public double peakCost(long nowNanos, long decayNanos) {
    double cost = peakCostNanos;
    return cost == 0 ? 0 : cost * decayWeight(nowNanos - peakStampNanos, decayNanos);
  }

  /** Returns the failure score in [0, 1], decayed towards zero for the time since it was set. */
  public double failureScore(long nowNanos, long decayNanos) {
    double score = failureScore;
    return score == 0 ? 0 : score * decayWeight(nowNanos - failureStampNanos, decayNanos);
  }

  private static double decayWeight(long elapsedNanos, long decayNanos) {
    return elapsedNanos <= 0 ? 1.0 : Math.exp(-(double) elapsedNanos / decayNanos);
  }

  /**
   * Ejects the member until {@code untilNanos}; the caller holds the ejection lock.
   *
   * @return how many times the member has been ejected, this time included
   */
  public int eject(long nowNanos, long baseNanos, long maxNanos) {
    synchronized (this) {
      ejections++;
      long duration = baseNanos * ejections;
      if (duration < 0 || duration > maxNanos) {
        duration = maxNanos;
      }
      ejectedUntilNanos = nowNanos + duration;
      lastEjectionEndNanos = ejectedUntilNanos;
      CONSECUTIVE_FAILURES.setVolatile(this, 0);
      return ejections;
    }
  }

  /**
   * Forgets earlier ejections once the member has served without ejection for {@code quietNanos}
   * after its last ejection ended, so the ejection time grows only for repeat offenders.
   */
  public void forgiveEjections(long nowNanos, long quietNanos) {
    synchronized (this) {
      if (ejections > 0 && nowNanos - lastEjectionEndNanos >= quietNanos) {
        ejections = 0;
      }
    }
  }

  /** Returns the number of ejections since the count was last forgiven. */
  public int ejections() {
    return ejections;
  }

  @Override
  public String toString() {
    return endpoint.id();
  }
}
