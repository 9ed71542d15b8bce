package dev.strata.lb.internal;

import dev.strata.lb.RequestContext;
import org.jspecify.annotations.Nullable;

/**
 * Power of two choices: two <em>distinct</em> random members, the less loaded one wins. The load is
 * either in-flight requests per unit of weight, raised by the member's recent failure score (so a
 * member answering with fast errors does not attract traffic), or Finagle's peak-EWMA cost: the
 * peak-sensitive latency estimate times (in-flight + 1), where a failure counts as at least the
 * failure penalty. O(1).
 */
public final class PowerOfTwoChoicesAlgorithm extends TablelessSelectionAlgorithm {

  /** How much a failure score of 1 multiplies the in-flight load. */
  public static final double FAILURE_LOAD_FACTOR = 10.0;

  /** Finagle's load for a member with requests in flight but no cost measured yet. */
  private static final double UNMEASURED_PENALTY = (double) (Long.MAX_VALUE >> 16);

  private static final int ATTEMPTS = 4;

  private final boolean peakEwma;
  private final long decayNanos;

  /**
   * Creates the algorithm.
   *
   * @param environment the load balancer's environment
   * @param peakEwma whether the load is the peak-EWMA cost rather than the in-flight count
   */
  public PowerOfTwoChoicesAlgorithm(Environment environment, boolean peakEwma) {
    super(environment);
    this.peakEwma = peakEwma;
    this.decayNanos = environment.decayNanos();
  }

  @Override
  public @Nullable Member pick(
      Member[] table,
      Member[] members,
      Availability availability,
      long nowNanos,
      RequestContext c) {
    int n = members.length;
    if (n == 1) {
      return availability.usable(members[0], nowNanos) ? members[0] : null;
    }
    // A pair with one unusable member (down, ejected, draining) is not settled by the other alone:
    // that would send every such pair to whichever member is left, however loaded. The usable one
    // is kept and compared with the next usable member drawn.
    @Nullable Member kept = null;
    for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
      long bits = random.nextLong();
      int first = Hashing.bounded(bits, n);
      int second = Hashing.bounded(bits << 32, n - 1);
      if (second >= first) {
        second++; // distinct: never the same member twice
      }
      Member a = members[first];
      Member b = members[second];
      boolean useA = availability.usable(a, nowNanos);
      boolean useB = availability.usable(b, nowNanos);
      if (useA && useB) {
        return lessLoaded(a, b, availability, nowNanos);
      }
      Member usable = useA ? a : useB ? b : null;
      if (usable != null) {
        if (kept == null) {
          kept = usable;
        } else if (kept != usable) {
          return lessLoaded(kept, usable, availability, nowNanos);
        }
      }
    }
    if (kept != null) {
      return kept;
    }
    return scanFromRandom(members, availability, nowNanos);
  }

  private Member lessLoaded(Member a, Member b, Availability availability, long nowNanos) {
    return load(a, availability, nowNanos) <= load(b, availability, nowNanos) ? a : b;
  }

  private double load(Member member, Availability availability, long nowNanos) {
    double weight = member.weight() * rampFactor(member, availability, nowNanos);
    long pending = member.inFlight();
    if (peakEwma) {
      double cost = member.peakCost(nowNanos, decayNanos);
      if (cost == 0.0 && pending != 0) {
        return UNMEASURED_PENALTY + pending;
      }
      return cost * (pending + 1) / weight;
    }
    double failures = member.failureScore(nowNanos, decayNanos);
    return (pending + 1) * (1.0 + FAILURE_LOAD_FACTOR * failures) / weight;
  }
}
