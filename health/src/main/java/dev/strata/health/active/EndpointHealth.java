package dev.strata.health.active;

import org.jspecify.annotations.Nullable;

/**
 * What an {@link ActiveHealthChecker} knows about one endpoint at a moment.
 *
 * @param endpointId the endpoint's id, never null
 * @param up whether the checker holds the endpoint up (as last set in the pool)
 * @param consecutiveSuccesses successful probes in a row (0 after a failure)
 * @param consecutiveFailures failed probes in a row (0 after a success)
 * @param probes probes completed since the endpoint joined the checker
 * @param lastError the reason of the last failed probe, or null if the last probe succeeded or none
 *     has completed
 */
public record EndpointHealth(
    String endpointId,
    boolean up,
    int consecutiveSuccesses,
    int consecutiveFailures,
    long probes,
    @Nullable String lastError) {}
