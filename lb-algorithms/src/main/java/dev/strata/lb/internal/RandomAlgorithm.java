package dev.strata.lb.internal;

import dev.strata.lb.RequestContext;
import org.jspecify.annotations.Nullable;

/** Uniform random choice among usable members; weights are ignored. O(1) expected. */
public final class RandomAlgorithm extends TablelessSelectionAlgorithm {

  private static final int ATTEMPTS = 8;

  /** Creates the algorithm. */
  public RandomAlgorithm(Environment environment) {
    super(environment);
  }

  @Override
  public @Nullable Member pick(
      Member[] table,
      Member[] members,
      Availability availability,
      long nowNanos,
      RequestContext c) {
    for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
      Member member = members[random.nextInt(members.length)];
      if (availability.usable(member, nowNanos) && admitted(member, availability, nowNanos)) {
        return member;
      }
    }
    return scanFromRandom(members, availability, nowNanos);
  }
}
