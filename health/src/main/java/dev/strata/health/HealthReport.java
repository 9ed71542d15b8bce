package dev.strata.health;

import dev.strata.health.internal.JsonReportWriter;
import dev.strata.health.internal.TextReportWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The aggregate health of an instance, or of one group of its checks: the overall status, the
 * outcome of each check, the registry's uptime and when the report was made.
 *
 * <p>The overall status is the worst {@link CheckRun#aggregateStatus()} of the checks: DOWN if any
 * critical check is DOWN, else DEGRADED if any check is DEGRADED or a non-critical check is DOWN,
 * else UP. A report without checks is UP.
 *
 * <p>Immutable and thread-safe.
 *
 * <p>JSON form ({@link #toJson(boolean)}), with details:
 *
 * <pre>{@code
 * {
 *   "status": "DOWN",
 *   "group": "readiness",
 *   "timestamp": "2026-11-27T21:00:00.123Z",
 *   "uptimeMillis": 3600000,
 *   "checks": {
 *     "database": {"status": "UP", "critical": true, "durationMillis": 1.734,
 *                  "checkedAt": "2026-11-27T21:00:00.120Z", "details": {"database": "PostgreSQL"}},
 *     "redis": {"status": "DOWN", "critical": true, "durationMillis": 500.0,
 *               "checkedAt": "2026-11-27T21:00:00.100Z", "error": "timed out after 500ms"}
 *   }
 * }
 * }</pre>
 *
 * {@code group} is absent in the overall report; {@code details} and {@code error} are absent when
 * empty. Without details the JSON is only {@code {"status":"UP"}}.
 */
public final class HealthReport {

  private final HealthStatus status;
  private final @Nullable HealthGroup group;
  private final Map<String, CheckRun> checks;
  private final Instant timestamp;
  private final Duration uptime;

  /**
   * Creates a report, computing the overall status from the outcomes.
   *
   * @param group the group the report covers, or null for all checks
   * @param outcomes the outcomes in report order, not null; names must be unique
   * @param timestamp when the report was made, not null
   * @param uptime how long the registry has been running, not null
   * @throws IllegalArgumentException if two outcomes have the same name
   */
  public HealthReport(
      @Nullable HealthGroup group, List<CheckRun> outcomes, Instant timestamp, Duration uptime) {
    Map<String, CheckRun> map = new LinkedHashMap<>();
    HealthStatus worst = HealthStatus.UP;
    for (CheckRun o : outcomes) {
      if (map.put(o.name(), o) != null) {
        throw new IllegalArgumentException("duplicate check name '" + o.name() + "' in report");
      }
      worst = worst.worst(o.aggregateStatus());
    }
    this.status = worst;
    this.group = group;
    this.checks = Collections.unmodifiableMap(map);
    this.timestamp = Objects.requireNonNull(timestamp, "timestamp must not be null");
    this.uptime = Objects.requireNonNull(uptime, "uptime must not be null");
  }

  /**
   * The overall status.
   *
   * @return the status, never null
   */
  public HealthStatus status() {
    return status;
  }

  /**
   * The group this report covers.
   *
   * @return the group, or null when the report covers every check
   */
  public @Nullable HealthGroup group() {
    return group;
  }

  /**
   * Each check's outcome by name, in registration order.
   *
   * @return an unmodifiable map, never null
   */
  public Map<String, CheckRun> checks() {
    return checks;
  }

  /**
   * When the report was made.
   *
   * @return the instant, never null
   */
  public Instant timestamp() {
    return timestamp;
  }

  /**
   * How long the registry had been running when the report was made.
   *
   * @return the uptime, never null
   */
  public Duration uptime() {
    return uptime;
  }

  /**
   * Renders the report as JSON (UTF-8 safe, all strings escaped). The schema is in the class
   * description.
   *
   * @param includeDetails true for the full report, false for only {@code {"status":"..."}}
   * @return the JSON text, never null
   */
  public String toJson(boolean includeDetails) {
    return JsonReportWriter.write(this, includeDetails);
  }

  /**
   * Renders the report as plain text: a {@code status: UP} line, then (with details) the group,
   * timestamp and uptime and one line per check followed by its indented details and error.
   *
   * @param includeDetails true for the full report, false for only the status line
   * @return the text, ending with a newline, never null
   */
  public String toText(boolean includeDetails) {
    return TextReportWriter.write(this, includeDetails);
  }

  @Override
  public String toString() {
    return "HealthReport{status=" + status + ", group=" + group + ", checks=" + checks + '}';
  }
}
