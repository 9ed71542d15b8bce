package dev.strata.lb.internal;

import java.util.Map;

/**
 * An immutable view of a pool's members at one moment. A new snapshot is published for every
 * membership, weight, health or ejection change, so one volatile read gives a load balancer both
 * the members and the version of their availability. Selectors build their tables per members array
 * (membership and weights) and never lock.
 *
 * @param members the members in insertion order; a new array on membership or weight changes only
 * @param byId the members by endpoint id
 * @param version bumped on every change
 */
public record PoolSnapshot(Member[] members, Map<String, Member> byId, long version) {

  /** The snapshot of an empty pool. */
  public static final PoolSnapshot EMPTY = new PoolSnapshot(new Member[0], Map.of(), 0);

  /** Returns a snapshot of the same members with the next version (availability changed). */
  public PoolSnapshot nextVersion() {
    return new PoolSnapshot(members, byId, version + 1);
  }
}
