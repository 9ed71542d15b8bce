package dev.strata.lb.internal;

import dev.strata.lb.RequestContext;
import org.jspecify.annotations.Nullable;

/**
 * IP hash: the client address's hash modulo the number of members; an unusable member's clients go
 * to the next usable member in pool order. O(1) while members are usable.
 */
public final class IpHashAlgorithm extends TablelessSelectionAlgorithm {

  /** Creates the algorithm. */
  public IpHashAlgorithm(Environment environment) {
    super(environment);
  }

  @Override
  public @Nullable Member pick(
      Member[] table,
      Member[] members,
      Availability availability,
      long nowNanos,
      RequestContext context) {
    if (!context.hasClientAddress()) {
      throw new IllegalArgumentException(
          "ip-hash needs a client address: pass RequestContext.ofClientAddress(ip)");
    }
    return firstUsableFrom(
        members, Hashing.bounded(context.hash(), members.length), availability, nowNanos);
  }
}
