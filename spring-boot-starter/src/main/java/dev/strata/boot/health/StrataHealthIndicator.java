package dev.strata.boot.health;

import dev.strata.health.CheckResult;
import dev.strata.health.HealthCheck;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;

/**
 * A Spring Boot {@link HealthIndicator} reporting a Strata {@link HealthCheck}: UP and DOWN map to
 * Boot's statuses, DEGRADED to the status {@code DEGRADED} (served with 200, ordered between DOWN
 * and UP), the check's details and error become the health's details. A check that throws is DOWN.
 * Thread-safe when the check is.
 */
public final class StrataHealthIndicator implements HealthIndicator {

  /** The status of a part that serves with reduced capability. */
  public static final Status DEGRADED = new Status("DEGRADED");

  private final HealthCheck check;

  /**
   * Creates the indicator.
   *
   * @param check the Strata check to run on each health request
   */
  public StrataHealthIndicator(HealthCheck check) {
    this.check = check;
  }

  @Override
  public Health health() {
    CheckResult result;
    try {
      result = check.check();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Health.down().withDetail("error", "interrupted").build();
    } catch (Exception e) {
      return Health.down().withDetail("error", CheckResult.describe(e)).build();
    }
    Health.Builder builder =
        switch (result.status()) {
          case UP -> Health.up();
          case DEGRADED -> Health.status(DEGRADED);
          case DOWN -> Health.down();
        };
    result.details().forEach((k, v) -> builder.withDetail(k, v == null ? "null" : v));
    if (result.error() != null) {
      builder.withDetail("error", result.error());
    }
    return builder.build();
  }
}
