package dev.strata.boot.lb;

import dev.strata.lb.LoadBalancer;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The load balancers of the pools configured under {@code strata.lb.pools}, by pool name.
 * Immutable; the balancers are thread-safe.
 */
public final class StrataPools {

  private final Map<String, LoadBalancer> balancers;
  private final Map<String, PoolSettings> settings;

  StrataPools(Map<String, LoadBalancer> balancers, Map<String, PoolSettings> settings) {
    this.balancers = Map.copyOf(balancers);
    this.settings = Map.copyOf(settings);
  }

  /**
   * Returns the balancer of a pool.
   *
   * @param name the pool name
   * @return the balancer, or empty when there is no such pool
   */
  public Optional<LoadBalancer> get(String name) {
    return Optional.ofNullable(balancers.get(name));
  }

  /**
   * Returns the pool names.
   *
   * @return the names
   */
  public Set<String> names() {
    return balancers.keySet();
  }

  /**
   * Returns the balancers by pool name.
   *
   * @return an immutable map
   */
  public Map<String, LoadBalancer> balancers() {
    return balancers;
  }

  PoolSettings settings(String name) {
    return settings.get(name);
  }

  /**
   * What a balanced request needs to know of its pool.
   *
   * @param retry whether idempotent requests are retried on another endpoint
   * @param maxAttempts attempts in all
   */
  record PoolSettings(boolean retry, int maxAttempts) {}
}
