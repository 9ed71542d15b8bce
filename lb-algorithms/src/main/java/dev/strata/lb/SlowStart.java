package dev.strata.lb;

import java.time.Duration;
import java.util.Objects;

/**
 * Slow start, with Envoy's formula: an endpoint that joins the pool or becomes healthy again after
 * the load balancer was built gets {@code weight × max(minWeightPercent / 100, (max(t, 1 s) /
 * window) ^ (1 / aggression))} until {@code window} has passed since then, so a cold instance
 * (empty caches, JIT not warm) is not flooded. The minimum share keeps it from starving at low
 * traffic. Applies to round robin, weighted round robin, random, weighted random, least
 * connections, least response time and the power-of-two-choices selectors; hashing selectors keep
 * their key mapping instead.
 *
 * <p>Immutable and thread-safe; made by {@link #of(Duration)}, {@link #builder()} or {@link
 * #disabled()}.
 */
public final class SlowStart {

  private static final SlowStart DISABLED = new SlowStart(Duration.ZERO, 10, 1.0);

  private final Duration window;
  private final int minWeightPercent;
  private final double aggression;

  private SlowStart(Duration window, int minWeightPercent, double aggression) {
    this.window = window;
    this.minWeightPercent = minWeightPercent;
    this.aggression = aggression;
  }

  /**
   * Returns the setting without slow start (the load balancer's default).
   *
   * @return the disabled setting
   */
  public static SlowStart disabled() {
    return DISABLED;
  }

  /**
   * Returns a linear ramp over the window from 10% of the weight.
   *
   * @param window the ramp duration, positive
   * @return the setting
   * @throws IllegalArgumentException if the window is not positive
   */
  public static SlowStart of(Duration window) {
    return builder().window(window).build();
  }

  /**
   * Starts a builder: no window until set, minimum 10%, aggression 1.0 (linear).
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Returns whether slow start is on.
   *
   * @return whether the window is positive
   */
  public boolean enabled() {
    return !window.isZero();
  }

  /**
   * Returns the ramp duration.
   *
   * @return the window, zero when disabled
   */
  public Duration window() {
    return window;
  }

  /**
   * Returns the minimum share of its weight a ramping endpoint gets.
   *
   * @return 1 to 100
   */
  public int minWeightPercent() {
    return minWeightPercent;
  }

  /**
   * Returns the aggression: 1 ramps linearly, larger values ramp faster early.
   *
   * @return positive
   */
  public double aggression() {
    return aggression;
  }

  @Override
  public String toString() {
    return enabled()
        ? "SlowStart{window="
            + window
            + ", minWeightPercent="
            + minWeightPercent
            + ", aggression="
            + aggression
            + "}"
        : "SlowStart{disabled}";
  }

  /** Builds a {@link SlowStart}; not thread-safe, validates in {@link #build()}. */
  public static final class Builder {
    private Duration window = Duration.ZERO;
    private int minWeightPercent = 10;
    private double aggression = 1.0;

    private Builder() {}

    /**
     * Sets the ramp duration.
     *
     * @param window positive, not null
     * @return this builder
     */
    public Builder window(Duration window) {
      this.window = Objects.requireNonNull(window, "window must not be null");
      return this;
    }

    /**
     * Sets the minimum share of the weight (default 10).
     *
     * @param percent 1 to 100
     * @return this builder
     */
    public Builder minWeightPercent(int percent) {
      this.minWeightPercent = percent;
      return this;
    }

    /**
     * Sets the aggression (default 1.0, linear).
     *
     * @param aggression positive
     * @return this builder
     */
    public Builder aggression(double aggression) {
      this.aggression = aggression;
      return this;
    }

    /**
     * Builds the setting.
     *
     * @return the setting
     * @throws IllegalArgumentException naming the invalid field and value
     */
    public SlowStart build() {
      if (window.isZero() || window.isNegative()) {
        throw new IllegalArgumentException("window must be positive but was " + window);
      }
      if (minWeightPercent < 1 || minWeightPercent > 100) {
        throw new IllegalArgumentException(
            "minWeightPercent must be between 1 and 100 but was " + minWeightPercent);
      }
      if (!(aggression > 0) || Double.isInfinite(aggression)) {
        throw new IllegalArgumentException("aggression must be positive but was " + aggression);
      }
      return new SlowStart(window, minWeightPercent, aggression);
    }
  }
}
