package dev.strata.lb.internal;

import dev.strata.lb.RequestContext;
import org.jspecify.annotations.Nullable;

/**
 * Least response time: the usable member with the lowest latency EWMA times (in-flight + 1) per
 * unit of weight (as Nginx's least_time weighs connections). The EWMA is time-weighted: the older
 * an estimate, the less it counts against a new measurement. A member without measurements is tried
 * once and gets no more requests until its first answer; the recent failure score times the failure
 * penalty (1 s) is added to the latency so that fast errors do not attract traffic. Ties are broken
 * at random. O(n).
 */
public final class LeastResponseTimeAlgorithm extends TablelessSelectionAlgorithm {

  private static final double UNMEASURED_PENALTY = (double) (Long.MAX_VALUE >> 16);

  private final long decayNanos;
  private final long failurePenaltyNanos;

  /** Creates the algorithm. */
  public LeastResponseTimeAlgorithm(Environment environment) {
    super(environment);
    this.decayNanos = environment.decayNanos();
    this.failurePenaltyNanos = environment.failurePenaltyNanos();
  }

  @Override
  public @Nullable Member pick(
      Member[] table,
      Member[] members,
      Availability availability,
      long nowNanos,
      RequestContext c) {
    Member best = null;
    double bestScore = Double.POSITIVE_INFINITY;
    int ties = 0;
    long seed = 0;
    for (Member member : members) {
      if (!availability.usable(member, nowNanos)) {
        continue;
      }
      double score = score(member, availability, nowNanos);
      if (score < bestScore) {
        best = member;
        bestScore = score;
        ties = 1;
      } else if (score == bestScore) {
        ties++;
        if (ties == 2) {
          seed = random.nextLong();
        }
        seed = Hashing.mix(seed + Hashing.GOLDEN);
        if (Hashing.bounded(seed, ties) == 0) {
          best = member;
        }
      }
    }
    return best;
  }

  private double score(Member member, Availability availability, long nowNanos) {
    long pending = member.inFlight();
    if (!member.latencyMeasured()) {
      // try an unmeasured member once, but do not pile requests onto it before it answers
      return pending == 0 ? 0 : UNMEASURED_PENALTY + pending;
    }
    double failures = member.failureScore(nowNanos, decayNanos);
    return (member.latencyEwmaNanos() + failures * failurePenaltyNanos)
        * (pending + 1.0)
        / (member.weight() * rampFactor(member, availability, nowNanos));
  }
}
