package dev.strata.health;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The registry's record of the latest run of one registered check, as it appears in a {@link
 * HealthReport}: the check's name, whether it is critical, how long the run took and when it
 * finished, around the {@link CheckResult} the check returned (its status, details and error).
 *
 * <p>Immutable and thread-safe. The status is the check's own; how it counts in the aggregate is
 * {@link #aggregateStatus()} (a non-critical DOWN counts as DEGRADED).
 */
public final class CheckRun {

  private final String name;
  private final CheckResult result;
  private final boolean critical;
  private final Duration duration;
  private final Instant checkedAt;

  /**
   * Creates a record of a run.
   *
   * @param name the check's name, not null
   * @param result what the run found, not null
   * @param critical whether the check is critical
   * @param duration how long the run took (the timeout for a run that timed out), not null
   * @param checkedAt when the run finished or was given up, not null
   */
  public CheckRun(
      String name, CheckResult result, boolean critical, Duration duration, Instant checkedAt) {
    this.name = Objects.requireNonNull(name, "name must not be null");
    this.result = Objects.requireNonNull(result, "result must not be null");
    this.critical = critical;
    this.duration = Objects.requireNonNull(duration, "duration must not be null");
    this.checkedAt = Objects.requireNonNull(checkedAt, "checkedAt must not be null");
  }

  /**
   * The check's name.
   *
   * @return the name, never null
   */
  public String name() {
    return name;
  }

  /**
   * The check's own status.
   *
   * @return the status, never null
   */
  public HealthStatus status() {
    return result.status();
  }

  /**
   * How this check counts in the aggregate: its status, except that a DOWN non-critical check
   * counts as DEGRADED.
   *
   * @return the status, never null
   */
  public HealthStatus aggregateStatus() {
    HealthStatus s = result.status();
    return s == HealthStatus.DOWN && !critical ? HealthStatus.DEGRADED : s;
  }

  /**
   * The full result of the run.
   *
   * @return the result, never null
   */
  public CheckResult result() {
    return result;
  }

  /**
   * Whether the check is critical.
   *
   * @return true when a DOWN result makes the aggregate DOWN
   */
  public boolean critical() {
    return critical;
  }

  /**
   * How long the run took.
   *
   * @return the duration, never null
   */
  public Duration duration() {
    return duration;
  }

  /**
   * When the run finished (or was given up as timed out).
   *
   * @return the instant, never null
   */
  public Instant checkedAt() {
    return checkedAt;
  }

  /**
   * The run's details.
   *
   * @return an unmodifiable map, never null
   */
  public Map<String, @Nullable Object> details() {
    return result.details();
  }

  /**
   * The run's error.
   *
   * @return the error message, or null when there is none
   */
  public @Nullable String error() {
    return result.error();
  }

  @Override
  public String toString() {
    return "CheckRun{name="
        + name
        + ", "
        + result
        + ", critical="
        + critical
        + ", duration="
        + duration
        + ", checkedAt="
        + checkedAt
        + '}';
  }
}
