package dev.strata.lb.internal;

import dev.strata.lb.RequestContext;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;

/**
 * Nginx's smooth weighted round robin. The whole cycle (sum of weights, reduced by their greatest
 * common divisor) is computed once per snapshot with Nginx's algorithm (every member's current
 * weight grows by its weight, the largest is picked and lowered by the total), so a pick is one
 * atomic increment and an array read: no lock. Weights 5, 1, 1 give a a b a c a a.
 *
 * <p>Cycles longer than {@value #MAX_CYCLE} picks are computed from proportionally scaled weights.
 */
public final class SmoothWeightedRoundRobinAlgorithm extends SelectionAlgorithm<int[]> {

  /** The longest cycle kept; larger weight sums are scaled down proportionally. */
  public static final int MAX_CYCLE = 1 << 16;

  private final AtomicInteger counter = new AtomicInteger();

  /** Creates the algorithm; each new cycle starts at its beginning. */
  public SmoothWeightedRoundRobinAlgorithm(Environment environment) {
    super(environment);
  }

  @Override
  public int[] prepare(Member[] members) {
    int n = members.length;
    long[] weights = new long[n];
    long gcd = 0;
    long total = 0;
    for (int i = 0; i < n; i++) {
      weights[i] = members[i].weight();
      gcd = gcd(gcd, weights[i]);
      total += weights[i];
    }
    total = 0;
    for (int i = 0; i < n; i++) {
      weights[i] /= gcd;
      total += weights[i];
    }
    if (total > MAX_CYCLE) {
      long scaled = 0;
      for (int i = 0; i < n; i++) {
        weights[i] = Math.max(1, Math.round((double) weights[i] * MAX_CYCLE / total));
        scaled += weights[i];
      }
      total = scaled;
    }
    int[] cycle = new int[(int) total];
    long[] current = new long[n];
    for (int step = 0; step < total; step++) {
      int best = 0;
      for (int i = 0; i < n; i++) {
        current[i] += weights[i];
        if (current[i] > current[best]) {
          best = i;
        }
      }
      current[best] -= total;
      cycle[step] = best;
    }
    counter.set(0);
    return cycle;
  }

  private static long gcd(long a, long b) {
    while (b != 0) {
      long t = a % b;
      a = b;
      b = t;
    }
    return a;
  }

  @Override
  public @Nullable Member pick(
      int[] cycle, Member[] members, Availability availability, long nowNanos, RequestContext c) {
    int length = cycle.length;
    int attempts = Math.min(length, 2 * members.length);
    for (int attempt = 0; attempt < attempts; attempt++) {
      Member member = members[cycle[(counter.getAndIncrement() & Integer.MAX_VALUE) % length]];
      if (availability.usable(member, nowNanos) && admitted(member, availability, nowNanos)) {
        return member;
      }
    }
    return scanFromRandom(members, availability, nowNanos);
  }
}
