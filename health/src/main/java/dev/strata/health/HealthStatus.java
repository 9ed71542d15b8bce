package dev.strata.health;

/**
 * The health of one check or of an aggregate of checks.
 *
 * <p>Ordered from best to worst: {@link #UP}, {@link #DEGRADED}, {@link #DOWN}. An instance that is
 * UP or DEGRADED can serve traffic (the HTTP endpoint answers 200); DOWN cannot (503).
 */
public enum HealthStatus {
  /** Everything works. */
  UP,
  /** Still serving, but something is impaired (a non-critical dependency failed, a pool waits). */
  DEGRADED,
  /** Cannot serve. */
  DOWN;

  /**
   * Returns the worse of this status and {@code other}.
   *
   * @param other the other status, not null
   * @return {@code this} or {@code other}, whichever is worse
   */
  public HealthStatus worst(HealthStatus other) {
    return other.ordinal() > ordinal() ? other : this;
  }

  /**
   * Whether an instance with this status can take traffic.
   *
   * @return true for UP and DEGRADED, false for DOWN
   */
  public boolean isServing() {
    return this != DOWN;
  }
}
