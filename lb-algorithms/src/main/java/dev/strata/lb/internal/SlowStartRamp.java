package dev.strata.lb.internal;

/**
 * Envoy's slow-start formula: a member that joined or recovered after the load balancer started
 * gets {@code weight * max(minFraction, (max(elapsed, 1s) / window) ^ (1 / aggression))} until the
 * window has passed.
 *
 * @param windowNanos the ramp duration
 * @param minFraction the smallest share of its weight a ramping member gets, in (0, 1]
 * @param aggression the curve exponent's inverse; 1 is linear, higher ramps faster early
 * @param startNanos members available since before this time never ramp
 */
public record SlowStartRamp(
    long windowNanos, double minFraction, double aggression, long startNanos) {

  private static final long ONE_SECOND = 1_000_000_000L;

  /** Returns the factor in (0, 1] to apply to the member's weight at {@code nowNanos}. */
  public double factor(Member member, long nowNanos) {
    long since = member.availableSinceNanos();
    if (since <= startNanos) {
      return 1.0;
    }
    long elapsed = nowNanos - since;
    if (elapsed >= windowNanos) {
      return 1.0;
    }
    double timeFactor = (double) Math.max(elapsed, ONE_SECOND) / windowNanos;
    if (timeFactor >= 1.0) {
      return 1.0;
    }
    double ramp = aggression == 1.0 ? timeFactor : Math.pow(timeFactor, 1.0 / aggression);
    return Math.max(minFraction, ramp);
  }

  /** Returns when the member's window ends, or {@link Long#MIN_VALUE} if it does not ramp. */
  public long windowEnd(Member member) {
    long since = member.availableSinceNanos();
    return since <= startNanos ? Long.MIN_VALUE : since + windowNanos;
  }
}
