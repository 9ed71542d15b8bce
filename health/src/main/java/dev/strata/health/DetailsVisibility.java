package dev.strata.health;

/**
 * Whether the {@link HealthEndpoint} shows check details (names, durations, details, errors), which
 * can leak internals such as host names and versions. Without details a response carries only the
 * status.
 */
public enum DetailsVisibility {
  /** Always show details. */
  ALWAYS,
  /** Never show details (the default). */
  NEVER,
  /** Show details to requests carrying {@code Authorization: Bearer TOKEN} with the right token. */
  WITH_TOKEN
}
