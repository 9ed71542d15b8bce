package dev.strata.health.internal;

import java.time.Duration;
import java.util.Objects;

/** Validation of the durations that configuration objects take. */
public final class Durations {

  private Durations() {}

  /**
   * Returns {@code value} if positive.
   *
   * @param field the field name for the message
   * @param value the value
   * @return the value
   * @throws IllegalArgumentException {@code "FIELD must be positive but was VALUE"}
   * @throws NullPointerException if value is null
   */
  public static Duration requirePositive(String field, Duration value) {
    Objects.requireNonNull(value, field);
    if (value.isNegative() || value.isZero()) {
      throw new IllegalArgumentException(field + " must be positive but was " + value);
    }
    return value;
  }

  /**
   * Returns {@code value} if zero or positive.
   *
   * @param field the field name for the message
   * @param value the value
   * @return the value
   * @throws IllegalArgumentException {@code "FIELD must not be negative but was VALUE"}
   * @throws NullPointerException if value is null
   */
  public static Duration requireNonNegative(String field, Duration value) {
    Objects.requireNonNull(value, field);
    if (value.isNegative()) {
      throw new IllegalArgumentException(field + " must not be negative but was " + value);
    }
    return value;
  }
}
