package dev.strata.boot.health;

import dev.strata.boot.lb.StrataPools;
import dev.strata.health.CheckResult;
import dev.strata.health.HealthCheck;
import dev.strata.health.HealthStatus;
import dev.strata.lb.Endpoint;
import dev.strata.lb.EndpointPool;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Reports each pool's share of healthy endpoints: UP when all are healthy, DEGRADED when some are
 * not, DOWN when a pool has none. Details map each pool to {@code healthy/total}. Thread-safe.
 */
final class PoolHealthShareCheck implements HealthCheck {

  private final StrataPools pools;

  PoolHealthShareCheck(StrataPools pools) {
    this.pools = pools;
  }

  @Override
  public CheckResult check() {
    Map<String, Object> details = new LinkedHashMap<>();
    HealthStatus status = HealthStatus.UP;
    String error = null;
    for (var entry : pools.balancers().entrySet()) {
      EndpointPool pool = entry.getValue().pool();
      int total = 0;
      int healthy = 0;
      for (Endpoint endpoint : pool.endpoints()) {
        total++;
        if (pool.isHealthy(endpoint.id())) {
          healthy++;
        }
      }
      details.put(entry.getKey(), healthy + "/" + total);
      if (healthy == 0 && total > 0) {
        status = HealthStatus.DOWN;
        error = "pool " + entry.getKey() + " has no healthy endpoint";
      } else if (healthy < total) {
        status = status.worst(HealthStatus.DEGRADED);
        if (error == null) {
          error = "pool " + entry.getKey() + " has unhealthy endpoints";
        }
      }
    }
    return CheckResult.of(status, details, error);
  }
}
