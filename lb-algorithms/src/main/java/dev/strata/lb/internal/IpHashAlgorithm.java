package dev.strata.lb.internal;

import dev.strata.lb.RequestContext;
import org.jspecify.annotations.Nullable;

/**
 * IP hash: the client address's hash modulo the number of members; an unusable member's clients go
 * to the next usable member in pool order. O(1) while members are usable.
 */
public final class IpHashAlgorithm extends SelectionAlgorithm<Member[]> {

  /** Creates the algorithm. */
  public IpHashAlgorithm(Environment environment) {
    super(environment);
  }

  @Override
  public Member[] prepare(Member[] members) {
    return members;
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
    int n = members.length;
    int start = Hashing.bounded(context.hash(), n);
    for (int i = 0; i < n; i++) {
      int index = start + i;
      Member member = members[index >= n ? index - n : index];
      if (availability.usable(member, nowNanos)) {
        return member;
      }
    }
    return null;
  }
}
