package dev.strata.lb.internal;

import java.util.function.Function;

/**
 * The description of a selection algorithm: how to create it for a load balancer and what the load
 * balancer must maintain for it.
 *
 * @param name a short name ("round-robin")
 * @param factory creates the algorithm for one load balancer
 * @param tracksInFlight whether in-flight counts per member are kept (one atomic per pick and per
 *     completion); algorithms that do not read them save that cost
 * @param tracksTotalInFlight whether the total in-flight count is kept
 * @param readsTime whether the algorithm needs the current time on every pick
 * @param hashing whether the algorithm needs a hash key
 * @param decayNanos time constant of latency estimates
 * @param failurePenaltyNanos latency charged to the peak cost of a failed request
 */
public record AlgorithmSpec(
    String name,
    Function<Environment, SelectionAlgorithm<?>> factory,
    boolean tracksInFlight,
    boolean tracksTotalInFlight,
    boolean readsTime,
    boolean hashing,
    long decayNanos,
    long failurePenaltyNanos) {}
