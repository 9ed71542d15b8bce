package dev.strata.lb.internal;

import dev.strata.lb.RequestContext;
import org.jspecify.annotations.Nullable;

/**
 * Rendezvous (highest random weight) hashing: every member scores the key, the highest usable score
 * wins; weighted members score {@code -w / ln(u)} (Schindelhauer and Schomaker). Removing a member
 * moves only its own keys; an unusable member's keys go to their second choice. O(n).
 */
public final class RendezvousAlgorithm extends SelectionAlgorithm<RendezvousAlgorithm.Seeds> {

  /**
   * The per-member hash seeds and weights of a snapshot.
   *
   * @param seeds hash of each member id
   * @param weights each member's weight
   * @param weighted whether weights differ
   */
  public record Seeds(long[] seeds, double[] weights, boolean weighted) {}

  /** Creates the algorithm. */
  public RendezvousAlgorithm(Environment environment) {
    super(environment);
  }

  @Override
  public Seeds prepare(Member[] members) {
    int n = members.length;
    long[] seeds = new long[n];
    double[] weights = new double[n];
    boolean weighted = false;
    for (int i = 0; i < n; i++) {
      seeds[i] = Hashing.hash(members[i].endpoint().id());
      weights[i] = members[i].weight();
      weighted |= weights[i] != weights[0];
    }
    return new Seeds(seeds, weights, weighted);
  }

  @Override
  public @Nullable Member pick(
      Seeds table,
      Member[] members,
      Availability availability,
      long nowNanos,
      RequestContext context) {
    requireHashKey(context, "rendezvous");
    long key = context.hash();
    long[] seeds = table.seeds();
    Member best = null;
    if (!table.weighted()) {
      long bestScore = Long.MIN_VALUE;
      for (int i = 0; i < seeds.length; i++) {
        long score = Hashing.mix(key ^ seeds[i]);
        if ((best == null || score > bestScore) && availability.usable(members[i], nowNanos)) {
          best = members[i];
          bestScore = score;
        }
      }
      return best;
    }
    double[] weights = table.weights();
    double bestScore = Double.NEGATIVE_INFINITY;
    for (int i = 0; i < seeds.length; i++) {
      double u = ((Hashing.mix(key ^ seeds[i]) >>> 11) + 0.5) * 0x1.0p-53;
      double score = -weights[i] / Math.log(u);
      if (score > bestScore && availability.usable(members[i], nowNanos)) {
        best = members[i];
        bestScore = score;
      }
    }
    return best;
  }
}
