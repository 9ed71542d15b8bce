package dev.strata.lb.internal;

import dev.strata.lb.RequestContext;
import org.jspecify.annotations.Nullable;

/**
 * Least response time: the usable member with the lowest latency EWMA times (in-flight + 1) per
 * unit of weight (as Nginx's least_time weighs connections). The EWMA is time-weighted: the older
 * an estimate, the less it counts against a new measurement. A member without measurements counts
 * as 0 and is tried first. Ties are broken at random. O(n).
 */
public final class LeastResponseTimeAlgorithm extends SelectionAlgorithm<Member[]> {

  /** Creates the algorithm. */
  public LeastResponseTimeAlgorithm(Environment environment) {
    super(environment);
  }

  @Override
  public Member[] prepare(Member[] members) {
    return members;
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
      double score =
          member.latencyEwmaNanos()
              * (member.inFlight() + 1.0)
              / (member.weight() * rampFactor(member, availability, nowNanos));
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
}
