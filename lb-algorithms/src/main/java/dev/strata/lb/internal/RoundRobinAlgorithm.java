package dev.strata.lb.internal;

import dev.strata.lb.RequestContext;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;

/** Plain round robin over the members in pool order; weights are ignored. */
public final class RoundRobinAlgorithm extends TablelessSelectionAlgorithm {

  private final AtomicInteger counter = new AtomicInteger();

  /** Creates the algorithm; the rotation starts at a seeded random position. */
  public RoundRobinAlgorithm(Environment environment) {
    super(environment);
    counter.set(environment.random().nextInt(Integer.MAX_VALUE));
  }

  @Override
  public @Nullable Member pick(
      Member[] table,
      Member[] members,
      Availability availability,
      long nowNanos,
      RequestContext c) {
    int n = members.length;
    if (availability.everyMemberUsable()) {
      return members[(counter.getAndIncrement() & Integer.MAX_VALUE) % n];
    }
    for (int attempt = 0; attempt < n; attempt++) {
      // each skip takes the next turn, so the successor of an unusable member is not doubled
      Member member = members[(counter.getAndIncrement() & Integer.MAX_VALUE) % n];
      if (availability.usable(member, nowNanos) && admitted(member, availability, nowNanos)) {
        return member;
      }
    }
    return scanFromRandom(members, availability, nowNanos);
  }
}
