package dev.strata.boot.lb;

import dev.strata.boot.StrataConfigurationException;
import dev.strata.boot.lb.StrataLoadBalancerProperties.Pool;
import dev.strata.lb.Endpoint;
import dev.strata.lb.EndpointPool;
import dev.strata.lb.LoadBalancer;
import dev.strata.lb.OutlierEjection;
import dev.strata.lb.SlowStart;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

/** Builds pools and balancers from properties, failing with the property and value at fault. */
final class PoolFactory {

  private PoolFactory() {}

  static StrataPools create(StrataLoadBalancerProperties properties) {
    Map<String, LoadBalancer> balancers = new LinkedHashMap<>();
    Map<String, StrataPools.PoolSettings> settings = new LinkedHashMap<>();
    properties
        .getPools()
        .forEach(
            (name, pool) -> {
              balancers.put(name, balancer(name, pool));
              String prefix = "strata.lb.pools." + name + ".retry.max-attempts";
              int attempts = pool.getRetry().getMaxAttempts();
              if (attempts < 1 || attempts > 10) {
                throw new StrataConfigurationException(
                    prefix, String.valueOf(attempts), "must be from 1 to 10", null);
              }
              settings.put(
                  name, new StrataPools.PoolSettings(pool.getRetry().isEnabled(), attempts));
            });
    return new StrataPools(balancers, settings);
  }

  private static LoadBalancer balancer(String name, Pool pool) {
    String prefix = "strata.lb.pools." + name + ".";
    if (pool.getEndpoints().isEmpty()) {
      throw new StrataConfigurationException(
          prefix + "endpoints", "", "a pool needs at least one endpoint (host:port)", null);
    }
    EndpointPool endpoints = EndpointPool.create();
    for (int i = 0; i < pool.getEndpoints().size(); i++) {
      String value = pool.getEndpoints().get(i);
      endpoints.add(endpoint(prefix + "endpoints[" + i + "]", value));
    }
    LoadBalancer.Builder builder =
        LoadBalancer.builder(endpoints).selector(pool.getSelector().create());
    if (!pool.getSlowStart().isZero()) {
      builder.slowStart(
          build(
              prefix + "slow-start", pool.getSlowStart(), () -> SlowStart.of(pool.getSlowStart())));
    }
    StrataLoadBalancerProperties.Ejection e = pool.getOutlierEjection();
    if (e.isEnabled()) {
      builder.outlierEjection(
          build(
              prefix + "outlier-ejection",
              e.getConsecutiveFailures()
                  + "/"
                  + e.getBaseEjectionTime()
                  + "/"
                  + e.getMaxEjectionTime()
                  + "/"
                  + e.getMaxEjectionPercent()
                  + "%",
              () ->
                  OutlierEjection.builder()
                      .consecutiveFailures(e.getConsecutiveFailures())
                      .baseEjectionTime(e.getBaseEjectionTime())
                      .maxEjectionTime(e.getMaxEjectionTime())
                      .maxEjectionPercent(e.getMaxEjectionPercent())
                      .build()));
    }
    return build(prefix + "selector", pool.getSelector(), builder::build);
  }

  /**
   * Parses {@code host:port} or {@code host:port;weight=N}.
   *
   * @throws StrataConfigurationException naming the property and value when it does not parse
   */
  static Endpoint endpoint(String property, String value) {
    String spec = value.trim();
    int weight = 1;
    int semicolon = spec.indexOf(';');
    try {
      if (semicolon >= 0) {
        String option = spec.substring(semicolon + 1).trim();
        if (!option.startsWith("weight=")) {
          throw new IllegalArgumentException("the only option is weight=N");
        }
        weight = Integer.parseInt(option.substring("weight=".length()).trim());
        spec = spec.substring(0, semicolon).trim();
      }
      int colon = spec.lastIndexOf(':');
      if (colon <= 0 || colon == spec.length() - 1 || spec.contains("/")) {
        throw new IllegalArgumentException("expected host:port");
      }
      String host = spec.substring(0, colon);
      if (host.startsWith("[") && host.endsWith("]")) {
        host = host.substring(1, host.length() - 1);
      }
      int port = Integer.parseInt(spec.substring(colon + 1));
      return Endpoint.builder(spec, host, port).weight(weight).build();
    } catch (RuntimeException ex) {
      throw new StrataConfigurationException(
          property,
          value,
          "not an endpoint: expected host:port or host:port;weight=N (" + ex.getMessage() + ")",
          null);
    }
  }

  private static <T> T build(String property, Object value, Supplier<T> builder) {
    try {
      return builder.get();
    } catch (IllegalArgumentException ex) {
      throw new StrataConfigurationException(
          property, String.valueOf(value), ex.getMessage(), null);
    }
  }

  static Duration positive(String property, Duration value) {
    if (value.isZero() || value.isNegative()) {
      throw new StrataConfigurationException(
          property, value.toString(), "must be a positive duration", null);
    }
    return value;
  }
}
