package dev.strata.health;

import java.util.Objects;
import java.util.function.BooleanSupplier;

/**
 * One health check: looks at a dependency (database, cache, disk, downstream service) and says
 * whether it works.
 *
 * <p>A check may block (it runs on the registry's check executor, never on a caller's thread) and
 * should honour thread interruption: the registry interrupts a run that exceeds its timeout. A
 * check that throws is reported DOWN with the exception as its error; a check that returns null is
 * reported DOWN with an error saying so; a check that never returns is reported DOWN (timed out)
 * when its timeout passes. Implementations must be thread-safe if registered with background
 * refresh or shared between registries; the registry itself never runs one check twice at once.
 */
@FunctionalInterface
public interface HealthCheck {

  /**
   * Runs the check.
   *
   * @return the result; must not be null (null is reported as DOWN)
   * @throws Exception any failure, reported as DOWN with the exception described as the error
   */
  CheckResult check() throws Exception;

  /**
   * A check from a condition: UP when it returns true, DOWN with {@code failureMessage} when it
   * returns false.
   *
   * @param condition the condition, not null
   * @param failureMessage the error reported when the condition is false, not null
   * @return the check
   */
  static HealthCheck of(BooleanSupplier condition, String failureMessage) {
    Objects.requireNonNull(condition, "condition must not be null");
    Objects.requireNonNull(failureMessage, "failureMessage must not be null");
    return () -> condition.getAsBoolean() ? CheckResult.up() : CheckResult.down(failureMessage);
  }
}
