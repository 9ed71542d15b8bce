package dev.strata.health;

import java.time.Duration;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.Objects;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * How one {@link HealthCheck} is registered in a {@link HealthRegistry}: its name, timeout,
 * criticality, groups, minimum interval between real executions and optional background refresh.
 *
 * <p>Immutable and thread-safe; made by {@link #builder(String, HealthCheck)}. A timeout or minimum
 * interval left unset takes the registry's default when registered.
 *
 * <pre>{@code
 * HealthCheckRegistration.builder("database", DataSourceHealthCheck.of(dataSource))
 *     .timeout(Duration.ofSeconds(2))
 *     .groups(HealthGroup.READINESS)
 *     .minInterval(Duration.ofSeconds(5))
 *     .build();
 * }</pre>
 */
public final class HealthCheckRegistration {

  private final String name;
  private final HealthCheck check;
  private final @Nullable Duration timeout;
  private final boolean critical;
  private final Set<HealthGroup> groups;
  private final @Nullable Duration minInterval;
  private final @Nullable Duration refreshInterval;
  private final @Nullable Duration maxStaleness;

  private HealthCheckRegistration(Builder b) {
    this.name = b.name;
    this.check = b.check;
    this.timeout = b.timeout;
    this.critical = b.critical;
    this.groups = Collections.unmodifiableSet(new LinkedHashSet<>(b.groups));
    this.minInterval = b.minInterval;
    this.refreshInterval = b.refreshInterval;
    this.maxStaleness = b.maxStaleness;
  }

  /**
   * Starts a registration.
   *
   * @param name the check's name, unique in its registry, not empty; validated by {@link
   *     Builder#build()}
   * @param check the check, not null
   * @return a builder
   * @throws NullPointerException if {@code name} or {@code check} is null
   */
  public static Builder builder(String name, HealthCheck check) {
    return new Builder(name, check);
  }

  /**
   * The check's name.
   *
   * @return the name, never null or empty
   */
  public String name() {
    return name;
  }

  /**
   * The check.
   *
   * @return the check, never null
   */
  public HealthCheck check() {
    return check;
  }

  /**
   * The timeout of one execution, if set.
   *
   * @return the timeout, or null to use the registry's default
   */
  public @Nullable Duration timeout() {
    return timeout;
  }

  /**
   * Whether a DOWN result of this check makes the aggregate DOWN (true) or only DEGRADED (false).
   *
   * @return the criticality; default true
   */
  public boolean critical() {
    return critical;
  }

  /**
   * The groups the check belongs to. Every check is also part of the overall report ({@code
   * /health}) whatever its groups.
   *
   * @return an unmodifiable set, possibly empty, never null
   */
  public Set<HealthGroup> groups() {
    return groups;
  }

  /**
   * The minimum time between the starts of two real executions, if set; probes in between get the
   * cached result.
   *
   * @return the interval, or null to use the registry's default
   */
  public @Nullable Duration minInterval() {
    return minInterval;
  }

  /**
   * The background refresh interval, if the check refreshes in the background.
   *
   * @return the interval, or null when probes run the check on demand
   */
  public @Nullable Duration refreshInterval() {
    return refreshInterval;
  }

  /**
   * How old a background-refreshed result may get before it is reported DOWN as stale.
   *
   * @return the limit, or null when the check does not refresh in the background
   */
  public @Nullable Duration maxStaleness() {
    return maxStaleness;
  }

  @Override
  public String toString() {
    return "HealthCheckRegistration{name="
        + name
        + ", critical="
        + critical
        + ", groups="
        + groups
        + ", timeout="
        + timeout
        + ", minInterval="
        + minInterval
        + ", refreshInterval="
        + refreshInterval
        + ", maxStaleness="
        + maxStaleness
        + '}';
  }

  /** Builds a {@link HealthCheckRegistration}. Not thread-safe; use from one thread. */
  public static final class Builder {
    private final String name;
    private final HealthCheck check;
    private @Nullable Duration timeout;
    private boolean critical = true;
    private final Set<HealthGroup> groups = new LinkedHashSet<>();
    private @Nullable Duration minInterval;
    private @Nullable Duration refreshInterval;
    private @Nullable Duration maxStaleness;

    private Builder(String name, HealthCheck check) {
      this.name = Objects.requireNonNull(name, "name must not be null");
      this.check = Objects.requireNonNull(check, "check must not be null");
    }

    /**
     * Sets the timeout of one execution; a run still going then is reported DOWN (timed out) and
     * interrupted.
     *
     * @param timeout positive, not null
     * @return this builder
     */
    public Builder timeout(Duration timeout) {
      this.timeout = Objects.requireNonNull(timeout, "timeout must not be null");
      return this;
    }

    /**
     * Sets whether a DOWN result makes the aggregate DOWN (true, the default) or DEGRADED (false).
     *
     * @param critical the criticality
     * @return this builder
     */
    public Builder critical(boolean critical) {
      this.critical = critical;
      return this;
    }

    /**
     * Adds the check to groups.
     *
     * @param groups the groups, none null
     * @return this builder
     */
    public Builder groups(HealthGroup... groups) {
      return groups(Arrays.asList(groups));
    }

    /**
     * Adds the check to groups.
     *
     * @param groups the groups, none null
     * @return this builder
     */
    public Builder groups(Collection<HealthGroup> groups) {
      for (HealthGroup g : groups) {
        this.groups.add(Objects.requireNonNull(g, "groups must not contain null"));
      }
      return this;
    }

    /**
     * Sets the minimum time between the starts of two real executions; zero runs the check for
     * every probe (concurrent probes still share one run).
     *
     * @param minInterval zero or positive, not null
     * @return this builder
     */
    public Builder minInterval(Duration minInterval) {
      this.minInterval = Objects.requireNonNull(minInterval, "minInterval must not be null");
      return this;
    }

    /**
     * Refreshes the check in the background every {@code interval}; probes then never wait for the
     * check (except before its first result) and get the latest result, reported DOWN when it is
     * older than {@code maxStaleness}.
     *
     * @param interval positive, not null
     * @param maxStaleness at least {@code interval}, not null
     * @return this builder
     */
    public Builder backgroundRefresh(Duration interval, Duration maxStaleness) {
      this.refreshInterval = Objects.requireNonNull(interval, "interval must not be null");
      this.maxStaleness = Objects.requireNonNull(maxStaleness, "maxStaleness must not be null");
      return this;
    }

    /**
     * Validates and builds.
     *
     * @return the registration
     * @throws IllegalArgumentException naming the field and value when the name is empty or blank,
     *     the timeout is not positive, the minimum interval is negative, the refresh interval is
     *     not positive or the staleness limit is below the refresh interval
     */
    public HealthCheckRegistration build() {
      if (name.isBlank()) {
        throw new IllegalArgumentException("name must not be empty but was '" + name + "'");
      }
      if (timeout != null && (timeout.isNegative() || timeout.isZero())) {
        throw new IllegalArgumentException(
            "timeout must be positive but was " + timeout + " (check '" + name + "')");
      }
      if (minInterval != null && minInterval.isNegative()) {
        throw new IllegalArgumentException(
            "minInterval must not be negative but was " + minInterval + " (check '" + name + "')");
      }
      if (refreshInterval != null && maxStaleness != null) {
        if (refreshInterval.isNegative() || refreshInterval.isZero()) {
          throw new IllegalArgumentException(
              "refreshInterval must be positive but was "
                  + refreshInterval
                  + " (check '"
                  + name
                  + "')");
        }
        if (maxStaleness.compareTo(refreshInterval) < 0) {
          throw new IllegalArgumentException(
              "maxStaleness must be at least refreshInterval ("
                  + refreshInterval
                  + ") but was "
                  + maxStaleness
                  + " (check '"
                  + name
                  + "')");
        }
      }
      return new HealthCheckRegistration(this);
    }
  }
}
