package dev.strata.lb.internal;

import dev.strata.lb.RequestContext;
import org.jspecify.annotations.Nullable;

/**
 * Weighted random choice in O(1) with Vose's alias method: the table is built per snapshot in O(n);
 * a pick is one random draw and two array reads. Unusable members are redrawn a few times, then the
 * pick falls back to a weighted scan over the usable ones.
 */
public final class WeightedRandomAlgorithm
    extends SelectionAlgorithm<WeightedRandomAlgorithm.AliasTable> {

  private static final int ATTEMPTS = 8;

  /**
   * The alias table of a snapshot.
   *
   * @param probability the chance of keeping column i
   * @param alias the member taken otherwise
   */
  public record AliasTable(double[] probability, int[] alias) {}

  /** Creates the algorithm. */
  public WeightedRandomAlgorithm(Environment environment) {
    super(environment);
  }

  @Override
  public AliasTable prepare(Member[] members) {
    int n = members.length;
    double total = 0;
    for (Member member : members) {
      total += member.weight();
    }
    double[] scaled = new double[n];
    int[] small = new int[n];
    int[] large = new int[n];
    int smallCount = 0;
    int largeCount = 0;
    for (int i = 0; i < n; i++) {
      scaled[i] = members[i].weight() * n / total;
      if (scaled[i] < 1.0) {
        small[smallCount++] = i;
      } else {
        large[largeCount++] = i;
      }
    }
    double[] probability = new double[n];
    int[] alias = new int[n];
    while (smallCount > 0 && largeCount > 0) {
      int less = small[--smallCount];
      int more = large[--largeCount];
      probability[less] = scaled[less];
      alias[less] = more;
      scaled[more] = scaled[more] + scaled[less] - 1.0;
      if (scaled[more] < 1.0) {
        small[smallCount++] = more;
      } else {
        large[largeCount++] = more;
      }
    }
    while (largeCount > 0) {
      probability[large[--largeCount]] = 1.0;
    }
    while (smallCount > 0) {
      probability[small[--smallCount]] = 1.0;
    }
    return new AliasTable(probability, alias);
  }

  @Override
  public @Nullable Member pick(
      AliasTable table,
      Member[] members,
      Availability availability,
      long nowNanos,
      RequestContext c) {
    int n = members.length;
    double[] probability = table.probability();
    int[] alias = table.alias();
    for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
      long bits = random.nextLong();
      int column = Hashing.bounded(bits, n);
      double coin = (bits & 0xFFFFFFFFL) * 0x1.0p-32;
      Member member = members[coin < probability[column] ? column : alias[column]];
      if (availability.usable(member, nowNanos) && admitted(member, availability, nowNanos)) {
        return member;
      }
    }
    double total = 0;
    for (Member member : members) {
      if (availability.usable(member, nowNanos)) {
        total += member.weight();
      }
    }
    double target = random.nextDouble() * total;
    Member last = null;
    for (Member member : members) {
      if (availability.usable(member, nowNanos)) {
        last = member;
        target -= member.weight();
        if (target < 0) {
          return member;
        }
      }
    }
    return last;
  }
}
