package dev.strata.boot.lb;

import dev.strata.lb.Selector;
import dev.strata.lb.Selectors;
import java.util.function.Supplier;

/** The load-balancing algorithms a pool can use ({@code strata.lb.pools.<name>.selector}). */
public enum SelectorKind {
  /** Each endpoint in turn, weights ignored. */
  ROUND_ROBIN(Selectors::roundRobin),
  /** Each endpoint in turn, in proportion to its weight, evenly interleaved. */
  SMOOTH_WEIGHTED_ROUND_ROBIN(Selectors::smoothWeightedRoundRobin),
  /** The endpoint with the fewest requests in flight. */
  LEAST_CONNECTIONS(Selectors::leastConnections),
  /** The endpoint with the lowest recent response time. */
  LEAST_RESPONSE_TIME(Selectors::leastResponseTime),
  /** A uniformly random endpoint. */
  RANDOM(Selectors::random),
  /** A random endpoint, in proportion to weight. */
  WEIGHTED_RANDOM(Selectors::weightedRandom),
  /** The less loaded of two random endpoints. */
  POWER_OF_TWO_CHOICES(Selectors::powerOfTwoChoices),
  /** Peak exponentially weighted moving average of latency, penalising failures. */
  PEAK_EWMA(Selectors::peakEwma);

  private final Supplier<Selector> factory;

  SelectorKind(Supplier<Selector> factory) {
    this.factory = factory;
  }

  /**
   * Returns a new selector of this kind.
   *
   * @return the selector
   */
  public Selector create() {
    return factory.get();
  }
}
