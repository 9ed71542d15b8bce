package dev.strata.lb.internal;

import java.util.concurrent.atomic.AtomicLong;

/**
 * A lock-free, seedable SplitMix64 generator shared by the threads of one load balancer. With a
 * single thread the sequence is fully determined by the seed; with several threads each draw is
 * still a distinct member of that sequence.
 */
public final class SeededRandom {

  private final AtomicLong state;

  /** Creates a generator from a seed. */
  public SeededRandom(long seed) {
    this.state = new AtomicLong(seed);
  }

  /** Returns the next 64 random bits. */
  public long nextLong() {
    return Hashing.mix(state.addAndGet(Hashing.GOLDEN));
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
