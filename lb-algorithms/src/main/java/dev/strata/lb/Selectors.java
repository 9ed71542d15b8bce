package dev.strata.lb;

import dev.strata.lb.internal.AlgorithmSpec;
import dev.strata.lb.internal.Environment;
import dev.strata.lb.internal.IpHashAlgorithm;
import dev.strata.lb.internal.LeastConnectionsAlgorithm;
import dev.strata.lb.internal.LeastResponseTimeAlgorithm;
import dev.strata.lb.internal.MaglevAlgorithm;
import dev.strata.lb.internal.PowerOfTwoChoicesAlgorithm;
import dev.strata.lb.internal.RandomAlgorithm;
import dev.strata.lb.internal.RendezvousAlgorithm;
import dev.strata.lb.internal.RingHashAlgorithm;
import dev.strata.lb.internal.RoundRobinAlgorithm;
import dev.strata.lb.internal.SelectionAlgorithm;
import dev.strata.lb.internal.SmoothWeightedRoundRobinAlgorithm;
import dev.strata.lb.internal.WeightedRandomAlgorithm;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;

/**
 * The load-balancing algorithms, each with when to use it. Every selector skips unhealthy and
 * ejected endpoints, works on a consistent snapshot of the pool without locking, and allocates
 * nothing per pick. Hashing selectors need a key in the {@link RequestContext} and throw {@link
 * IllegalArgumentException} without one; they skip an unavailable endpoint by probing its successor
 * instead of rebuilding their table, so keys return to it when it recovers.
 *
 * <p>All factories return immutable, thread-safe {@link Selector}s.
 */
public final class Selectors {

  private static final long DEFAULT_DECAY_NANOS = Duration.ofSeconds(10).toNanos();
  private static final long LATENCY_DECAY_NANOS = Duration.ofSeconds(1).toNanos();
  private static final long DEFAULT_FAILURE_PENALTY_NANOS = Duration.ofSeconds(1).toNanos();

  private Selectors() {}

  /**
   * Round robin: each endpoint in turn, weights ignored. Use for identical instances and similar
   * requests; cheapest pick (one atomic increment).
   *
   * @return the selector
   */
  public static Selector roundRobin() {
    return simple("round-robin", RoundRobinAlgorithm::new, false, false);
  }

  /**
   * Smooth weighted round robin, Nginx's algorithm: exact weight proportions over each cycle,
   * interleaved (weights 5, 1, 1 give a a b a c a a). Use for instances of different capacity with
   * similar requests. O(1) per pick: the cycle is precomputed per membership change.
   *
   * @return the selector
   */
  public static Selector smoothWeightedRoundRobin() {
    return simple("weighted-round-robin", SmoothWeightedRoundRobinAlgorithm::new, false, false);
  }

  /**
   * Weighted least connections: fewest in-flight requests per unit of weight, ties at random. Use
   * for long or uneven requests (streams, uploads). O(n) per pick.
   *
   * @return the selector
   */
  public static Selector leastConnections() {
    return simple("least-connections", LeastConnectionsAlgorithm::new, true, false);
  }

  /**
   * IP hash: the client's address decides the endpoint, so a client sticks to one endpoint while
   * the pool is unchanged (Nginx ip_hash over all addresses). Needs {@link
   * RequestContext#ofClientAddress}. Adding or removing an endpoint remaps most clients; prefer
   * {@link #ringHash()} or {@link #maglev()} when membership changes often. O(1).
   *
   * @return the selector
   */
  public static Selector ipHash() {
    return new Selector(
        new AlgorithmSpec(
            "ip-hash",
            IpHashAlgorithm::new,
            false,
            false,
            false,
            true,
            DEFAULT_DECAY_NANOS,
            DEFAULT_FAILURE_PENALTY_NANOS));
  }

  /**
   * Least response time: lowest latency EWMA times (in-flight + 1) per unit of weight, the EWMA
   * weighting old measurements less the older they are (time constant 1 s), plus the recent failure
   * rate times 1 s. Use when instances differ in speed and every pick may look at all of them.
   * O(n).
   *
   * @return the selector
   */
  public static Selector leastResponseTime() {
    return leastResponseTime(Duration.ofNanos(LATENCY_DECAY_NANOS));
  }

  /**
   * Least response time with the given time constant of the latency EWMA.
   *
   * @param decay time constant, positive
   * @return the selector
   * @throws IllegalArgumentException if decay is not positive
   */
  public static Selector leastResponseTime(Duration decay) {
    return new Selector(
        new AlgorithmSpec(
            "least-response-time",
            LeastResponseTimeAlgorithm::new,
            true,
            false,
            true,
            false,
            positive("decay", decay),
            DEFAULT_FAILURE_PENALTY_NANOS));
  }

  /**
   * Uniform random choice, weights ignored. Use when many independent clients share a pool and
   * coordination-free spreading is enough. O(1).
   *
   * @return the selector
   */
  public static Selector random() {
    return simple("random", RandomAlgorithm::new, false, false);
  }

  /**
   * Weighted random choice in O(1) (Vose's alias method). Use for weighted pools when order does
   * not matter and many clients pick independently.
   *
   * @return the selector
   */
  public static Selector weightedRandom() {
    return simple("weighted-random", WeightedRandomAlgorithm::new, false, false);
  }

  /**
   * Power of two choices (least request): two distinct random endpoints, fewer in-flight requests
   * per unit of weight wins; a recent failure score multiplies the load (by up to 11) so that a
   * fast-failing endpoint loses traffic. Near least-connections quality at O(1), and robust with
   * many clients. The default adaptive choice when latency is not measured.
   *
   * @return the selector
   */
  public static Selector powerOfTwoChoices() {
    return new Selector(
        new AlgorithmSpec(
            "p2c-least-request",
            env -> new PowerOfTwoChoicesAlgorithm(env, false),
            true,
            false,
            true,
            false,
            DEFAULT_DECAY_NANOS,
            DEFAULT_FAILURE_PENALTY_NANOS));
  }

  /**
   * Power of two choices over Finagle's and Linkerd's peak-EWMA cost: latency estimate (jumping up
   * at once on a slow response, decaying with a 10 s time constant) times (in-flight + 1); a failed
   * request counts as at least 1 s, so that an endpoint answering with fast errors loses traffic.
   * The best choice when instances differ or degrade (a stuck or slow host); O(1).
   *
   * @return the selector
   */
  public static Selector peakEwma() {
    return peakEwma(
        Duration.ofNanos(DEFAULT_DECAY_NANOS), Duration.ofNanos(DEFAULT_FAILURE_PENALTY_NANOS));
  }

  /**
   * Power of two choices over the peak-EWMA cost with the given parameters.
   *
   * @param decay time constant of the cost, positive
   * @param failurePenalty latency charged to a failed request at least, not negative
   * @return the selector
   * @throws IllegalArgumentException naming a bad parameter
   */
  public static Selector peakEwma(Duration decay, Duration failurePenalty) {
    Objects.requireNonNull(failurePenalty, "failurePenalty must not be null");
    if (failurePenalty.isNegative()) {
      throw new IllegalArgumentException(
          "failurePenalty must not be negative but was " + failurePenalty);
    }
    return new Selector(
        new AlgorithmSpec(
            "p2c-peak-ewma",
            env -> new PowerOfTwoChoicesAlgorithm(env, true),
            true,
            false,
            true,
            false,
            positive("decay", decay),
            failurePenalty.toNanos()));
  }

  /**
   * Consistent hashing on a ring with virtual nodes proportional to weight (by default 1,024 for an
   * endpoint of mean weight; 8 bytes each, so 8 MB for 1,000 endpoints). Use for cache affinity (a
   * key keeps its endpoint) when membership changes: removing one of n endpoints moves about 1/n of
   * the keys, none between surviving endpoints. O(1) expected per pick (bucketed ring).
   *
   * @return the selector
   */
  public static Selector ringHash() {
    return ringHash(0);
  }

  /**
   * Consistent hashing on a ring with the given number of virtual nodes per endpoint of mean
   * weight.
   *
   * @param virtualNodes virtual nodes, positive (0 for the default)
   * @return the selector
   * @throws IllegalArgumentException if virtualNodes is negative
   */
  public static Selector ringHash(int virtualNodes) {
    if (virtualNodes < 0) {
      throw new IllegalArgumentException(
          "virtualNodes must not be negative but was " + virtualNodes);
    }
    return hashing("ring-hash", env -> new RingHashAlgorithm(env, virtualNodes, 0), false);
  }

  /**
   * Consistent hashing with bounded loads (HAProxy's hash-balance-factor 125): like {@link
   * #ringHash()}, but an endpoint already carrying more than 1.25 × the mean in-flight load passes
   * the key on to the next endpoint on the ring. Use for cache affinity with hot keys. O(1)
   * expected.
   *
   * @return the selector
   */
  public static Selector boundedLoadHash() {
    return boundedLoadHash(1.25);
  }

  /**
   * Consistent hashing with bounded loads at the given factor.
   *
   * @param factor maximum load as a multiple of the mean, greater than 1
   * @return the selector
   * @throws IllegalArgumentException if the factor is not greater than 1
   */
  public static Selector boundedLoadHash(double factor) {
    if (!(factor > 1.0)) {
      throw new IllegalArgumentException("factor must be greater than 1 but was " + factor);
    }
    return hashing("bounded-load-hash", env -> new RingHashAlgorithm(env, 0, factor), true);
  }

  /**
   * Maglev hashing: a prime-sized lookup table (at least 65,537 entries) giving near-perfect
   * balance and O(1) picks with little disruption on membership change. Use for sticky routing at
   * high rates over large pools.
   *
   * @return the selector
   */
  public static Selector maglev() {
    return hashing("maglev", MaglevAlgorithm::new, false);
  }

  /**
   * Rendezvous (highest random weight) hashing: the endpoint scoring a key highest gets it. Minimal
   * disruption and even spread with no table, but O(n) per pick. Use for small pools or when memory
   * for a ring or table matters.
   *
   * @return the selector
   */
  public static Selector rendezvous() {
    return hashing("rendezvous", RendezvousAlgorithm::new, false);
  }

  /**
   * Returns every selector with default settings, in the order of this class.
   *
   * @return an unmodifiable list
   */
  public static List<Selector> all() {
    return List.of(
        roundRobin(),
        smoothWeightedRoundRobin(),
        leastConnections(),
        ipHash(),
        leastResponseTime(),
        random(),
        weightedRandom(),
        powerOfTwoChoices(),
        peakEwma(),
        ringHash(),
        boundedLoadHash(),
        maglev(),
        rendezvous());
  }

  private static Selector simple(
      String name,
      Function<Environment, SelectionAlgorithm<?>> factory,
      boolean tracksInFlight,
      boolean readsTime) {
    return new Selector(
        new AlgorithmSpec(
            name,
            factory,
            tracksInFlight,
            false,
            readsTime,
            false,
            DEFAULT_DECAY_NANOS,
            DEFAULT_FAILURE_PENALTY_NANOS));
  }

  private static Selector hashing(
      String name, Function<Environment, SelectionAlgorithm<?>> factory, boolean boundedLoad) {
    return new Selector(
        new AlgorithmSpec(
            name,
            factory,
            boundedLoad,
            boundedLoad,
            false,
            true,
            DEFAULT_DECAY_NANOS,
            DEFAULT_FAILURE_PENALTY_NANOS));
  }

  private static long positive(String field, Duration value) {
    Objects.requireNonNull(value, field);
    if (value.isZero() || value.isNegative()) {
      throw new IllegalArgumentException(field + " must be positive but was " + value);
    }
    return value.toNanos();
  }
}
