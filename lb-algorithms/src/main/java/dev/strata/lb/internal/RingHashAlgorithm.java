package dev.strata.lb.internal;

import dev.strata.lb.RequestContext;
import org.jspecify.annotations.Nullable;

/**
 * Consistent hashing on a ring with virtual nodes and weights (Karger et al., ketama). With {@code
 * boundedLoadFactor > 0} it is consistent hashing with bounded loads (Mirrokni et al., HAProxy's
 * hash-balance-factor): a key whose member already carries more than {@code factor} times the mean
 * in-flight load walks on to the next member with room. An unusable member's keys go to the next
 * usable point on the ring; the ring is not rebuilt.
 */
public final class RingHashAlgorithm extends SelectionAlgorithm<HashRing> {

  private final int pointsPerMember;
  private final double boundedLoadFactor;

  /**
   * Creates the algorithm.
   *
   * @param environment the load balancer's environment
   * @param pointsPerMember virtual nodes of a member of mean weight; 0 for the default
   * @param boundedLoadFactor the load bound as a multiple of the mean, or 0 for no bound
   */
  public RingHashAlgorithm(Environment environment, int pointsPerMember, double boundedLoadFactor) {
    super(environment);
    this.pointsPerMember = pointsPerMember;
    this.boundedLoadFactor = boundedLoadFactor;
  }

  /**
   * The default virtual nodes of a member of mean weight. The count must not depend on the number
   * of members: if it did, removing one member would move points of all the others.
   */
  public static final int DEFAULT_POINTS_PER_MEMBER = 1024;

  @Override
  public HashRing prepare(Member[] members) {
    int points = pointsPerMember > 0 ? pointsPerMember : DEFAULT_POINTS_PER_MEMBER;
    return HashRing.build(members, points);
  }

  @Override
  public @Nullable Member pick(
      HashRing ring,
      Member[] members,
      Availability availability,
      long nowNanos,
      RequestContext context) {
    requireHashKey(context, boundedLoadFactor > 0 ? "bounded-load-hash" : "ring-hash");
    int size = ring.size();
    int point = ring.firstPoint(context.hash());
    if (boundedLoadFactor > 0) {
      int usable = availability.panic() ? members.length : availability.available();
      double meanLoad = (environment.totalInFlight().get() + 1.0) / Math.max(1, usable);
      double bound = boundedLoadFactor * meanLoad / ring.meanWeight();
      Member firstUsable = null;
      for (int step = 0; step < size; step++) {
        Member member = members[ring.owner(point)];
        if (availability.usable(member, nowNanos)) {
          if (member.inFlight() + 1 <= Math.ceil(bound * member.weight())) {
            return member;
          }
          if (firstUsable == null) {
            firstUsable = member;
          }
        }
        point = point + 1 == size ? 0 : point + 1;
      }
      return firstUsable;
    }
    for (int step = 0; step < size; step++) {
      Member member = members[ring.owner(point)];
      if (availability.usable(member, nowNanos)) {
        return member;
      }
      point = point + 1 == size ? 0 : point + 1;
    }
    return null;
  }
}
