package dev.strata.lb.internal;

/**
 * A seedable SplitMix64 generator shared by the threads of one load balancer, without atomic
 * instructions (an atomic update per pick costs more than the rest of a random pick).
 *
 * <p>With a single thread the sequence is fully determined by the seed. With several threads the
 * state is updated racily: two concurrent draws may return the same value or skip one, which only
 * makes two picks alike; every value is still a well-mixed member of the seed's sequence.
 */
public final class SeededRandom {

  private long state;

  /** Creates a generator from a seed. */
  public SeededRandom(long seed) {
    this.state = seed;
  }

  /** Returns the next 64 random bits. */
  public long nextLong() {
    long next = state + Hashing.GOLDEN;
    state = next;
    return Hashing.mix(next);
  }

  /** Returns a uniform int in [0, bound); bound must be positive. */
  public int nextInt(int bound) {
    return Hashing.bounded(nextLong(), bound);
  }

  /** Returns a uniform double in [0, 1). */
  public double nextDouble() {
    return (nextLong() >>> 11) * 0x1.0p-53;
  }
}
