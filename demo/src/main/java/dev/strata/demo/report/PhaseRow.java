package dev.strata.demo.report;

import java.util.Map;

/**
 * What happened during one phase of the scenario.
 *
 * @param name the phase's name
 * @param durationMillis how long it lasted
 * @param requestsPerInstance requests answered by each instance (every instance present, in order)
 * @param requests client requests through the front
 * @param failed requests that failed (5xx through the front, transport errors, unexpected 4xx)
 * @param retried requests the front retried on another instance
 * @param hitRatio the cache hit ratio over this phase, from the instances' stats ({@code NaN} when
 *     no product was read)
 */
public record PhaseRow(
    String name,
    long durationMillis,
    Map<String, Long> requestsPerInstance,
    long requests,
    long failed,
    long retried,
    double hitRatio) {

  /** Copies the map. */
  public PhaseRow {
    requestsPerInstance =
        java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(requestsPerInstance));
  }
}
