package dev.strata.lb.internal;

import dev.strata.lb.RequestContext;
import org.jspecify.annotations.Nullable;

/**
 * Weighted least connections: the usable member with the fewest in-flight requests per unit of
 * (slow-start adjusted) weight; ties are broken uniformly at random (reservoir sampling). O(n).
 */
public final class LeastConnectionsAlgorithm extends SelectionAlgorithm<Member[]> {

  /** Creates the algorithm. */
  public LeastConnectionsAlgorithm(Environment environment) {
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
    double bestLoad = Double.POSITIVE_INFINITY;
    int ties = 0;
    long seed = 0;
    for (Member member : members) {
      if (!availability.usable(member, nowNanos)) {
        continue;
      }
      double load =
          (member.inFlight() + 1.0)
              / (member.weight() * rampFactor(member, availability, nowNanos));
      if (load < bestLoad) {
        best = member;
        bestLoad = load;
        ties = 1;
      } else if (load == bestLoad) {
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
