package dev.strata.lb.internal;

import java.util.Map;

/**
 * An immutable view of a pool's members at one moment. A new snapshot is published for every
 * membership or weight change; selectors build their tables per snapshot and never lock.
 *
 * @param members the members in insertion order
 * @param byId the members by endpoint id
 */
public record PoolSnapshot(Member[] members, Map<String, Member> byId) {

  /** The snapshot of an empty pool. */
  public static final PoolSnapshot EMPTY = new PoolSnapshot(new Member[0], Map.of());
}
