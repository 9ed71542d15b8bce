package dev.strata.demo.report;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The requests of one time slice of the scenario.
 *
 * @param offsetMillis the slice's start, in milliseconds since the scenario's start
 * @param requestsPerInstance requests answered by each instance in the slice (every instance
 *     present)
 * @param failed failed requests in the slice
 * @param retried retried requests in the slice
 * @param p50Millis median latency through the front in the slice, {@code 0} when the slice is empty
 * @param p99Millis 99th percentile latency through the front in the slice, {@code 0} when empty
 */
public record TimelineBucket(
    long offsetMillis,
    Map<String, Long> requestsPerInstance,
    long failed,
    long retried,
    double p50Millis,
    double p99Millis) {

  /** Copies the map. */
  public TimelineBucket {
    requestsPerInstance = Collections.unmodifiableMap(new LinkedHashMap<>(requestsPerInstance));
  }
}
