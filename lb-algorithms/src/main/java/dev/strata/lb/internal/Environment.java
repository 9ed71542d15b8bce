package dev.strata.lb.internal;

import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;

/**
 * What a load balancer shares with its selection algorithm.
 *
 * @param random the seeded random source
 * @param slowStart the ramp for new and recovered members, or null if slow start is off
 * @param totalInFlight the requests in flight over all members (kept only for algorithms that
 *     declare {@link AlgorithmSpec#tracksTotalInFlight()})
 * @param decayNanos time constant of latency and failure estimates
 * @param failurePenaltyNanos latency a failed request counts as at least
 */
public record Environment(
    SeededRandom random,
    @Nullable SlowStartRamp slowStart,
    AtomicLong totalInFlight,
    long decayNanos,
    long failurePenaltyNanos) {}
