package dev.strata.lb.internal;

import dev.strata.lb.RequestContext;
import org.jspecify.annotations.Nullable;

/**
 * One load-balancing algorithm bound to one load balancer.
 *
 * <p>{@link #prepare} builds the algorithm's table (sequence, ring, lookup table) for a pool
 * snapshot; it runs only when membership or weights change. {@link #pick} runs for every request,
 * concurrently, without locks and without allocating. Members that are not {@linkplain
 * Availability#usable usable} are skipped by probing further, never by rebuilding the table.
 *
 * @param <T> the per-snapshot table
 */
public abstract class SelectionAlgorithm<T> {

  /** The seeded random source of the load balancer. */
  protected final SeededRandom random;

  /** The slow-start ramp, or null. */
  protected final @Nullable SlowStartRamp slowStart;

  /** The environment shared with the load balancer. */
  protected final Environment environment;

  /** Creates the algorithm in its environment. */
  protected SelectionAlgorithm(Environment environment) {
    this.environment = environment;
    this.random = environment.random();
    this.slowStart = environment.slowStart();
  }

  /**
   * Builds the table for a snapshot.
   *
   * @param members the snapshot's members, at least one
   * @return the table
   */
  public abstract T prepare(Member[] members);

  /**
   * Picks a member.
   *
   * @param table the table prepared for {@code members}
   * @param members the snapshot's members, at least one
   * @param availability which members may be used
   * @param nowNanos the current time (exact when the algorithm reads time or a time-bound state is
   *     pending, otherwise the time availability was computed)
   * @param context the request
   * @return the member, or null if no usable member was found
   */
  public abstract @Nullable Member pick(
      T table, Member[] members, Availability availability, long nowNanos, RequestContext context);

  /** Returns the slow-start factor in (0, 1] of the member's weight. */
  protected final double rampFactor(Member member, Availability availability, long nowNanos) {
    SlowStartRamp ramp = slowStart;
    return ramp == null || !availability.slowStartActive() ? 1.0 : ramp.factor(member, nowNanos);
  }

  /**
   * Returns whether a member that an unweighted draw landed on is admitted: always, except for a
   * ramping member, admitted with probability equal to its slow-start factor.
   */
  protected final boolean admitted(Member member, Availability availability, long nowNanos) {
    SlowStartRamp ramp = slowStart;
    if (ramp == null || !availability.slowStartActive()) {
      return true;
    }
    double factor = ramp.factor(member, nowNanos);
    return factor >= 1.0 || random.nextDouble() < factor;
  }

  /** Returns the first usable member from a random start, or null. */
  protected final @Nullable Member scanFromRandom(
      Member[] members, Availability availability, long nowNanos) {
    return firstUsableFrom(members, random.nextInt(members.length), availability, nowNanos);
  }

  /**
   * Returns the first usable member at or after index {@code start}, wrapping around to the
   * beginning, or null if none is usable.
   */
  protected static @Nullable Member firstUsableFrom(
      Member[] members, int start, Availability availability, long nowNanos) {
    int n = members.length;
    for (int i = 0; i < n; i++) {
      int index = start + i;
      Member member = members[index >= n ? index - n : index];
      if (availability.usable(member, nowNanos)) {
        return member;
      }
    }
    return null;
  }

  /** Throws unless the context has a hash key. */
  protected static void requireHashKey(RequestContext context, String selector) {
    if (!context.hasHashKey()) {
      throw new IllegalArgumentException(
          selector
              + " needs a hash key: pass RequestContext.ofHashKey(key) or"
              + " RequestContext.ofClientAddress(ip)");
    }
  }
}
