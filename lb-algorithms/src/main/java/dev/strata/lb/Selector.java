package dev.strata.lb;

import dev.strata.lb.internal.AlgorithmSpec;

/**
 * A load-balancing algorithm, as chosen from {@link Selectors} and given to {@link
 * LoadBalancer.Builder#selector}. Immutable and thread-safe; one selector may configure many load
 * balancers, each of which gets its own state.
 */
public final class Selector {

  private final AlgorithmSpec spec;

  Selector(AlgorithmSpec spec) {
    this.spec = spec;
  }

  /**
   * Returns the selector's short name, such as {@code "round-robin"} or {@code "p2c-peak-ewma"}.
   *
   * @return the name, never null
   */
  public String name() {
    return spec.name();
  }

  /**
   * Returns whether the selector needs a hash key in the {@link RequestContext}.
   *
   * @return whether it is a hashing (sticky) selector
   */
  public boolean hashing() {
    return spec.hashing();
  }

  AlgorithmSpec spec() {
    return spec;
  }

  @Override
  public String toString() {
    return spec.name();
  }
}
