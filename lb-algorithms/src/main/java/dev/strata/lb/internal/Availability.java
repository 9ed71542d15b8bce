package dev.strata.lb.internal;

/**
 * Which members may receive traffic, computed by the load balancer whenever health, ejections or
 * membership change, or a time-bound state (an ejection, a slow-start window) runs out.
 *
 * @param version the pool state version this was computed for
 * @param computedAtNanos when it was computed
 * @param validUntilNanos when it must be recomputed ({@link Long#MAX_VALUE} if no time-bound state)
 * @param panic whether too few members are available so all members are used
 * @param slowStartActive whether some member is inside its slow-start window
 * @param available the number of healthy, non-ejected members
 * @param ejected the number of ejected members
 * @param draining the number of draining members (never picked, not even in panic mode)
 * @param everyMemberUsable whether every member may be picked without a check: none is unhealthy or
 *     ejected (or panic mode is on), none is draining and no slow-start window is open, so
 *     selectors may skip the per-member {@link #usable} and admission checks
 */
public record Availability(
    long version,
    long computedAtNanos,
    long validUntilNanos,
    boolean panic,
    boolean slowStartActive,
    int available,
    int ejected,
    int draining,
    boolean everyMemberUsable) {

  /** Whether a member may be picked now: in panic mode every member may, except a draining one. */
  public boolean usable(Member member, long nowNanos) {
    return panic ? draining == 0 || !member.draining() : member.available(nowNanos);
  }
}
