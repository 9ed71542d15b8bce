package dev.strata.health;

import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * A named group of checks, served by the {@link HealthEndpoint} at its own path: {@link #LIVENESS}
 * at {@code /health/live} (should the orchestrator restart the instance?), {@link #READINESS} at
 * {@code /health/ready} (should the load balancer route to it?), {@link #STARTUP} at {@code
 * /health/started} (has it finished starting?), and custom groups at {@code /health/NAME}.
 *
 * <p>Immutable value; equal when the names are equal.
 */
public final class HealthGroup {

  /** Checks whose failure means the process is broken and should be restarted. */
  public static final HealthGroup LIVENESS = new HealthGroup("liveness");

  /** Checks whose failure means the instance should receive no traffic for now. */
  public static final HealthGroup READINESS = new HealthGroup("readiness");

  /** Checks that must pass once before the instance counts as started. */
  public static final HealthGroup STARTUP = new HealthGroup("startup");

  private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9._-]{0,62}");

  /** Path segments the endpoint uses for the built-in groups; a custom group may not take them. */
  private static final Set<String> RESERVED = Set.of("live", "ready", "started");

  private final String name;

  private HealthGroup(String name) {
    this.name = name;
  }

  /**
   * Returns the group of this name: the built-in constant for {@code liveness}, {@code readiness}
   * and {@code startup}, else a custom group.
   *
   * @param name lower-case letters, digits, {@code . _ -}, 1 to 63 characters, starting with a
   *     letter or digit; not one of the endpoint's path segments {@code live}, {@code ready},
   *     {@code started}
   * @return the group
   * @throws IllegalArgumentException if the name is not allowed, naming the value
   * @throws NullPointerException if {@code name} is null
   */
  public static HealthGroup of(String name) {
    Objects.requireNonNull(name, "name must not be null");
    switch (name) {
      case "liveness":
        return LIVENESS;
      case "readiness":
        return READINESS;
      case "startup":
        return STARTUP;
      default:
        break;
    }
    if (!NAME.matcher(name).matches()) {
      throw new IllegalArgumentException(
          "group name must be 1-63 characters of [a-z0-9._-] starting with a letter or digit but"
              + " was '"
              + name
              + "'");
    }
    if (RESERVED.contains(name)) {
      throw new IllegalArgumentException(
          "group name must not be live, ready or started but was '" + name + "'");
    }
    return new HealthGroup(name);
  }

  /**
   * The group's name.
   *
   * @return the name, never null
   */
  public String name() {
    return name;
  }

  @Override
  public boolean equals(@Nullable Object o) {
    return o instanceof HealthGroup g && g.name.equals(name);
  }

  @Override
  public int hashCode() {
    return name.hashCode();
  }

  @Override
  public String toString() {
    return name;
  }
}
