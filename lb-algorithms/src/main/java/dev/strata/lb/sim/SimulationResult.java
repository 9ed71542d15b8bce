package dev.strata.lb.sim;

import java.util.List;

/**
 * What one selector achieved in one simulated scenario.
 *
 * @param selector the selector's name
 * @param requests the requests sent
 * @param successRate the share of requests that succeeded within the client timeout, 0 to 1
 * @param p50Nanos median latency seen by the client (timeouts count as the timeout)
 * @param p99Nanos 99th percentile latency
 * @param p999Nanos 99.9th percentile latency
 * @param loadShares each server's share of the requests sent, in server order
 * @param maxAtServer each server's largest number of requests queued or in service at once
 * @param maxEjected the largest number of servers ejected at once (sampled every 100 ms)
 */
public record SimulationResult(
    String selector,
    long requests,
    double successRate,
    long p50Nanos,
    long p99Nanos,
    long p999Nanos,
    List<Double> loadShares,
    List<Integer> maxAtServer,
    int maxEjected) {

  /** Returns the largest value of {@link #maxAtServer()}. */
  public int maxAtAnyServer() {
    int max = 0;
    for (int value : maxAtServer) {
      max = Math.max(max, value);
    }
    return max;
  }
}
