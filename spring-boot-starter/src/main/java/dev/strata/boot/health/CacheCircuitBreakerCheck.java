package dev.strata.boot.health;

import dev.strata.boot.cache.StrataCaches;
import dev.strata.cache.redis.RedisCache;
import dev.strata.health.CheckResult;
import dev.strata.health.HealthCheck;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Reports the circuit breakers of the Redis-backed caches: UP while all are closed, DEGRADED while
 * any is open (the cache then answers from its loader, not from Redis), with each cache's breaker
 * state as a detail. Thread-safe.
 */
final class CacheCircuitBreakerCheck implements HealthCheck {

  private final StrataCaches caches;

  CacheCircuitBreakerCheck(StrataCaches caches) {
    this.caches = caches;
  }

  @Override
  public CheckResult check() {
    Map<String, Object> details = new LinkedHashMap<>();
    int open = 0;
    for (RedisCache<String, Object> cache : caches.redisCaches()) {
      CircuitBreaker.State state = cache.circuitBreaker().getState();
      details.put(cache.name(), state.name());
      if (state == CircuitBreaker.State.OPEN || state == CircuitBreaker.State.FORCED_OPEN) {
        open++;
      }
    }
    return open == 0
        ? CheckResult.up(details)
        : CheckResult.degraded(open + " cache circuit breaker(s) open", details);
  }
}
