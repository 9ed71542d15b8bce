package dev.strata.lb.internal;

import dev.strata.lb.RequestContext;
import org.jspecify.annotations.Nullable;

/**
 * Maglev hashing (Eisenbud et al., NSDI 2016): a lookup table of prime size M (at least 65,537 and
 * 100 entries per member) filled by each member's permutation in turns proportional to its weight.
 * A pick is one table read, O(1). An unusable member's slots defer to the next slots of the table.
 */
public final class MaglevAlgorithm extends SelectionAlgorithm<int[]> {

  /** Creates the algorithm. */
  public MaglevAlgorithm(Environment environment) {
    super(environment);
  }

  /** Returns the table size for n members: the smallest prime at least max(65537, 100 n). */
  public static int tableSize(int members) {
    long candidate = Math.max(65_537L, 100L * members);
    while (!isPrime(candidate)) {
      candidate++;
    }
    if (candidate > Integer.MAX_VALUE / 2) {
      throw new IllegalArgumentException("too many endpoints for a Maglev table: " + members);
    }
    return (int) candidate;
  }

  private static boolean isPrime(long n) {
    if (n % 2 == 0) {
      return n == 2;
    }
    for (long d = 3; d * d <= n; d += 2) {
      if (n % d == 0) {
        return false;
      }
    }
    return true;
  }

  @Override
  public int[] prepare(Member[] members) {
    int n = members.length;
    int size = tableSize(n);
    long[] offset = new long[n];
    long[] skip = new long[n];
    long[] next = new long[n];
    double maxWeight = 0;
    for (int i = 0; i < n; i++) {
      long h = Hashing.hash(members[i].endpoint().id());
      offset[i] = Long.remainderUnsigned(Hashing.mix(h ^ 0x5bd1e995L), size);
      skip[i] = Long.remainderUnsigned(Hashing.mix(h + Hashing.GOLDEN), size - 1) + 1;
      maxWeight = Math.max(maxWeight, members[i].weight());
    }
    double[] credit = new double[n];
    int[] table = new int[size];
    java.util.Arrays.fill(table, -1);
    int filled = 0;
    while (filled < size) {
      for (int i = 0; i < n && filled < size; i++) {
        credit[i] += members[i].weight() / maxWeight;
        if (credit[i] < 1.0) {
          continue; // lighter members take fewer turns
        }
        credit[i] -= 1.0;
        int slot = (int) ((offset[i] + next[i] * skip[i]) % size);
        while (table[slot] >= 0) {
          next[i]++;
          slot = (int) ((offset[i] + next[i] * skip[i]) % size);
        }
        table[slot] = i;
        next[i]++;
        filled++;
      }
    }
    return table;
  }

  @Override
  public @Nullable Member pick(
      int[] table,
      Member[] members,
      Availability availability,
      long nowNanos,
      RequestContext context) {
    requireHashKey(context, "maglev");
    int size = table.length;
    int slot = Hashing.bounded(context.hash(), size);
    for (int step = 0; step < size; step++) {
      Member member = members[table[slot]];
      if (availability.usable(member, nowNanos)) {
        return member;
      }
      slot = slot + 1 == size ? 0 : slot + 1;
    }
    return null;
  }
}
