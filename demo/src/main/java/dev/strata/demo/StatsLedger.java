package dev.strata.demo;

import java.io.IOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;

/**
 * Sums the instances' {@code /api/stats} counters over the whole run. An instance's counters start
 * at zero again when it restarts, so the ledger keeps the last value seen for each process and adds
 * it to the total when a new process takes the id. Thread-safe.
 */
final class StatsLedger {
  /** Cache and database counters. */
  record Counters(long hits, long misses, long dbQueries) {
    Counters plus(Counters other) {
      return new Counters(hits + other.hits, misses + other.misses, dbQueries + other.dbQueries);
    }

    Counters minus(Counters other) {
      return new Counters(hits - other.hits, misses - other.misses, dbQueries - other.dbQueries);
    }

    /** Returns hits / (hits + misses), {@code NaN} when there was no read. */
    double hitRatio() {
      long reads = hits + misses;
      return reads == 0 ? Double.NaN : (double) hits / reads;
    }
  }

  private static final Counters ZERO = new Counters(0, 0, 0);

  private final DemoHttp http;
  private final Map<String, Long> pidOf = new HashMap<>();
  private final Map<String, Counters> last = new HashMap<>();
  private Counters finished = ZERO;

  StatsLedger(DemoHttp http) {
    this.http = http;
  }

  /**
   * Reads every live instance's stats directly (not through the front) and returns the run's total.
   *
   * @param instances the instances; those not running keep their last value
   * @return the totals over every process so far
   */
  synchronized Counters snapshot(List<ServiceInstance> instances) {
    for (ServiceInstance instance : instances) {
      Long pid = instance.pid().orElse(null);
      if (pid == null) {
        continue;
      }
      Counters now = read(instance);
      if (now == null) {
        continue;
      }
      Long previousPid = pidOf.put(instance.id(), pid);
      if (previousPid != null && !previousPid.equals(pid)) {
        finished = finished.plus(last.getOrDefault(instance.id(), ZERO));
      }
      last.put(instance.id(), now);
    }
    Counters total = finished;
    for (Counters c : last.values()) {
      total = total.plus(c);
    }
    return total;
  }

  private @org.jspecify.annotations.Nullable Counters read(ServiceInstance instance) {
    try {
      DemoHttp.Reply reply = http.send("GET", instance.baseUrl() + "/api/stats", null, null);
      JsonNode json = reply.json();
      if (reply.status() != 200 || json == null) {
        return null;
      }
      return new Counters(
          json.path("cacheHits").asLong(0),
          json.path("cacheMisses").asLong(0),
          json.path("dbQueries").asLong(0));
    } catch (IOException e) {
      return null;
    }
  }
}
