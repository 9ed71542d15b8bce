package dev.strata.lb.internal;

import java.util.Arrays;

/**
 * A consistent-hash ring with virtual nodes: each member owns a number of points proportional to
 * its weight, a key belongs to the first point at or after its hash. Points are packed (hash in the
 * high bits, member index in the low {@value #OWNER_BITS}) and sorted; a bucket index over the top
 * bits of the hash makes a lookup O(1) expected instead of a binary search.
 */
public final class HashRing {

  /** Bits of a point that hold the member index. */
  public static final int OWNER_BITS = 20;

  private static final long OWNER_MASK = (1L << OWNER_BITS) - 1;

  private final long[] points;
  private final int[] bucketStart;
  private final int shift;
  private final double meanWeight;

  private HashRing(long[] points, int[] bucketStart, int shift, double meanWeight) {
    this.points = points;
    this.bucketStart = bucketStart;
    this.shift = shift;
    this.meanWeight = meanWeight;
  }

  /**
   * Builds the ring.
   *
   * @param members the members, at most 2^20
   * @param pointsPerMember points of a member of mean weight
   * @return the ring
   */
  public static HashRing build(Member[] members, int pointsPerMember) {
    int n = members.length;
    if (n > OWNER_MASK + 1) {
      throw new IllegalArgumentException(
          "a hash ring holds at most " + (OWNER_MASK + 1) + " endpoints but the pool has " + n);
    }
    double totalWeight = 0;
    for (Member member : members) {
      totalWeight += member.weight();
    }
    double meanWeight = totalWeight / n;
    int[] counts = new int[n];
    long size = 0;
    for (int i = 0; i < n; i++) {
      counts[i] = (int) Math.max(1, Math.round(pointsPerMember * members[i].weight() / meanWeight));
      size += counts[i];
    }
    if (size > (1 << 24)) {
      throw new IllegalArgumentException(
          "a hash ring holds at most 16777216 points but would need " + size);
    }
    long[] points = new long[(int) size];
    int p = 0;
    for (int i = 0; i < n; i++) {
      long idHash = Hashing.hash(members[i].endpoint().id());
      for (int k = 0; k < counts[i]; k++) {
        long h = Hashing.mix(idHash + (k + 1) * Hashing.GOLDEN);
        points[p++] = (h & ~OWNER_MASK) | i;
      }
    }
    Arrays.sort(points);
    // about two points per bucket
    int bits = Math.max(1, 63 - Long.numberOfLeadingZeros(Math.max(2, points.length - 1)));
    int shift = 64 - bits;
    int buckets = 1 << bits;
    int[] bucketStart = new int[buckets + 1];
    int index = 0;
    for (int b = 0; b < buckets; b++) {
      while (index < points.length && bucket(points[index], shift) < b) {
        index++;
      }
      bucketStart[b] = index;
    }
    bucketStart[buckets] = points.length;
    return new HashRing(points, bucketStart, shift, meanWeight);
  }

  private static int bucket(long point, int shift) {
    return (int) ((point ^ Long.MIN_VALUE) >>> shift);
  }

  /** Returns the index of the first point at or after the key's hash (wrapping around). */
  public int firstPoint(long keyHash) {
    long key = keyHash & ~OWNER_MASK;
    int b = bucket(key, shift);
    int i = bucketStart[b];
    int end = bucketStart[b + 1];
    while (i < end && points[i] < key) {
      i++;
    }
    return i == points.length ? 0 : i;
  }

  /** Returns the member index owning a point. */
  public int owner(int point) {
    return (int) (points[point] & OWNER_MASK);
  }

  /** Returns the number of points. */
  public int size() {
    return points.length;
  }

  /** Returns the mean member weight. */
  public double meanWeight() {
    return meanWeight;
  }
}
