package dev.strata.demo.report;

import java.util.List;

/**
 * Everything the scenario measured: the data behind the console table, the JSON file and the HTML
 * report. Immutable and thread-safe.
 *
 * @param scenario {@code full} or {@code quick}
 * @param users simulated users
 * @param wallTimeMillis from the command's start to the end of the scenario (start-ups included)
 * @param instances instance ids in display order
 * @param phases one row per phase, in order
 * @param requests client requests through the front
 * @param failedRequests requests that failed (the user saw an error)
 * @param retriedRequests requests the front retried on another instance
 * @param usersLoggedOut users that got a 401 at any time
 * @param cartItemsAcknowledged cart items the users got a 200 for
 * @param cartItemsLost acknowledged cart items missing from the users' carts at the end
 * @param hitRatio the product cache's hit ratio over the whole scenario
 * @param productReads product reads the instances served (each would be a query without a cache)
 * @param databaseQueries product queries the instances sent to the database
 * @param databaseQueriesSaved {@code productReads - databaseQueries}
 * @param p50Millis median latency through the front
 * @param p99Millis 99th percentile latency through the front
 * @param kill what happened to the killed instance, or {@code null} when none was killed
 * @param invalidationBoundMillis the bound a price update must be seen within on every instance
 * @param invalidation the cross-instance price checks
 * @param timeline requests and latency over time, with markers
 * @param problems every expectation that did not hold, empty on success
 */
public record DemoSummary(
    String scenario,
    int users,
    long wallTimeMillis,
    List<String> instances,
    List<PhaseRow> phases,
    long requests,
    long failedRequests,
    long retriedRequests,
    long usersLoggedOut,
    long cartItemsAcknowledged,
    long cartItemsLost,
    double hitRatio,
    long productReads,
    long databaseQueries,
    long databaseQueriesSaved,
    double p50Millis,
    double p99Millis,
    @org.jspecify.annotations.Nullable KillCheck kill,
    long invalidationBoundMillis,
    List<InvalidationCheck> invalidation,
    Timeline timeline,
    List<String> problems) {

  /** Copies the lists. */
  public DemoSummary {
    instances = List.copyOf(instances);
    phases = List.copyOf(phases);
    invalidation = List.copyOf(invalidation);
    problems = List.copyOf(problems);
  }

  /** Returns whether every expectation held (no problem recorded). */
  public boolean passed() {
    return problems.isEmpty();
  }
}
