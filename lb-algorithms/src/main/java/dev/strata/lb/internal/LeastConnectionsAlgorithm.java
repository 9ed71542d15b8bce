package dev.strata.lb.internal;

import dev.strata.lb.RequestContext;
import org.jspecify.annotations.Nullable;

/**
 * Weighted least connections: the usable member with the fewest in-flight requests per unit of
 * (slow-start adjusted) weight; ties are broken uniformly at random (reservoir sampling). O(n).
 */
public final class LeastConnectionsAlgorithm extends TablelessSelectionAlgorithm {

  /** Creates the algorithm. */
  public LeastConnectionsAlgorithm(Environment environment) {
    super(environment);
  }

  @Override
  public @Nullable Member pick(
      Member[] table,
      Member[] members,
      Availability availability,
      long nowNanos,
      RequestContext c) {
    // loads compared as fractions (in-flight + 1) / weight by cross-multiplying: no division
    Member best = null;
    double bestCount = 0;
    double bestWeight = 0;
    int ties = 0;
    long seed = 0;
    for (Member member : members) {
      if (!availability.usable(member, nowNanos)) {
        continue;
      }
      double count = member.inFlight() + 1.0;
      double weight = member.weight() * rampFactor(member, availability, nowNanos);
      if (best == null || count * bestWeight < bestCount * weight) {
        best = member;
        bestCount = count;
        bestWeight = weight;
        ties = 1;
      } else if (count * bestWeight == bestCount * weight) {
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
