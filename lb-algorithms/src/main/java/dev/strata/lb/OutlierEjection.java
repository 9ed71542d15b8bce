package dev.strata.lb;

import java.time.Duration;
import java.util.Objects;

/**
 * Passive outlier ejection, as Envoy does it: an endpoint whose requests fail {@code
 * consecutiveFailures} times in a row is ejected (receives no traffic) for {@code baseEjectionTime}
 * × the number of times it has been ejected, capped at {@code maxEjectionTime}. At most {@code
 * maxEjectionPercent} of the pool is ejected at once, but one endpoint may always be ejected. An
 * endpoint's ejection count is forgiven once it has served without ejection for {@code
 * maxEjectionTime}.
 *
 * <p>Immutable and thread-safe; made by {@link #builder()} or {@link #disabled()}.
 */
public final class OutlierEjection {

  private static final OutlierEjection DISABLED =
      new OutlierEjection(false, 5, Duration.ofSeconds(30), Duration.ofSeconds(300), 10);

  private final boolean enabled;
  private final int consecutiveFailures;
  private final Duration baseEjectionTime;
  private final Duration maxEjectionTime;
  private final int maxEjectionPercent;

  private OutlierEjection(
      boolean enabled,
      int consecutiveFailures,
      Duration baseEjectionTime,
      Duration maxEjectionTime,
      int maxEjectionPercent) {
    this.enabled = enabled;
    this.consecutiveFailures = consecutiveFailures;
    this.baseEjectionTime = baseEjectionTime;
    this.maxEjectionTime = maxEjectionTime;
    this.maxEjectionPercent = maxEjectionPercent;
  }

  /**
   * Returns the setting that never ejects (the load balancer's default).
   *
   * @return the disabled setting
   */
  public static OutlierEjection disabled() {
    return DISABLED;
  }

  /**
   * Starts a builder with Envoy's defaults: 5 consecutive failures, 30 s base ejection time, 300 s
   * maximum, 10% maximum ejected.
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Returns whether ejection is on.
   *
   * @return whether enabled
   */
  public boolean enabled() {
    return enabled;
  }

  /**
   * Returns the consecutive failures that eject an endpoint.
   *
   * @return at least 1
   */
  public int consecutiveFailures() {
    return consecutiveFailures;
  }

  /**
   * Returns the first ejection's duration.
   *
   * @return positive
   */
  public Duration baseEjectionTime() {
    return baseEjectionTime;
  }

  /**
   * Returns the longest ejection.
   *
   * @return at least the base time
   */
  public Duration maxEjectionTime() {
    return maxEjectionTime;
  }

  /**
   * Returns the largest share of the pool ejected at once, in percent (one endpoint is always
   * allowed).
   *
   * @return 0 to 100
   */
  public int maxEjectionPercent() {
    return maxEjectionPercent;
  }

  /**
   * Returns how many of {@code poolSize} endpoints may be ejected at once.
   *
   * @param poolSize the number of endpoints
   * @return {@code max(1, poolSize * maxEjectionPercent / 100)}
   */
  public int maxEjected(int poolSize) {
    return Math.max(1, (int) ((long) poolSize * maxEjectionPercent / 100));
  }

  @Override
  public String toString() {
    return enabled
        ? "OutlierEjection{consecutiveFailures="
            + consecutiveFailures
            + ", baseEjectionTime="
            + baseEjectionTime
            + ", maxEjectionTime="
            + maxEjectionTime
            + ", maxEjectionPercent="
            + maxEjectionPercent
            + "}"
        : "OutlierEjection{disabled}";
  }

  /** Builds an {@link OutlierEjection}; not thread-safe, validates in {@link #build()}. */
  public static final class Builder {
    private int consecutiveFailures = 5;
    private Duration baseEjectionTime = Duration.ofSeconds(30);
    private Duration maxEjectionTime = Duration.ofSeconds(300);
    private int maxEjectionPercent = 10;

    private Builder() {}

    /**
     * Sets the consecutive failures that eject an endpoint (default 5).
     *
     * @param count at least 1
     * @return this builder
     */
    public Builder consecutiveFailures(int count) {
      this.consecutiveFailures = count;
      return this;
    }

    /**
     * Sets the first ejection's duration (default 30 s).
     *
     * @param duration positive, not null
     * @return this builder
     */
    public Builder baseEjectionTime(Duration duration) {
      this.baseEjectionTime = Objects.requireNonNull(duration, "baseEjectionTime must not be null");
      return this;
    }

    /**
     * Sets the longest ejection (default 300 s).
     *
     * @param duration at least the base time, not null
     * @return this builder
     */
    public Builder maxEjectionTime(Duration duration) {
      this.maxEjectionTime = Objects.requireNonNull(duration, "maxEjectionTime must not be null");
      return this;
    }

    /**
     * Sets the largest share ejected at once (default 10); one endpoint is always allowed.
     *
     * @param percent 0 to 100
     * @return this builder
     */
    public Builder maxEjectionPercent(int percent) {
      this.maxEjectionPercent = percent;
      return this;
    }

    /**
     * Builds the setting.
     *
     * @return an enabled outlier ejection
     * @throws IllegalArgumentException naming the invalid field and value
     */
    public OutlierEjection build() {
      if (consecutiveFailures < 1) {
        throw new IllegalArgumentException(
            "consecutiveFailures must be at least 1 but was " + consecutiveFailures);
      }
      if (baseEjectionTime.isZero() || baseEjectionTime.isNegative()) {
        throw new IllegalArgumentException(
            "baseEjectionTime must be positive but was " + baseEjectionTime);
      }
      if (maxEjectionTime.compareTo(baseEjectionTime) < 0) {
        throw new IllegalArgumentException(
            "maxEjectionTime must be at least baseEjectionTime ("
                + baseEjectionTime
                + ") but was "
                + maxEjectionTime);
      }
      if (maxEjectionPercent < 0 || maxEjectionPercent > 100) {
        throw new IllegalArgumentException(
            "maxEjectionPercent must be between 0 and 100 but was " + maxEjectionPercent);
      }
      return new OutlierEjection(
          true, consecutiveFailures, baseEjectionTime, maxEjectionTime, maxEjectionPercent);
    }
  }
}
