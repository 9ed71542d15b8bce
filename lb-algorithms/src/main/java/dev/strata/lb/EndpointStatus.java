package dev.strata.lb;

/**
 * A point-in-time view of one endpoint as a load balancer sees it.
 *
 * @param endpoint the endpoint
 * @param healthy the health state in the pool
 * @param ejected whether passive outlier ejection currently keeps it out
 * @param ejections how many times it was ejected (since last forgiven)
 * @param inFlight requests selected and not completed (0 for selectors that do not count them)
 * @param latencyEwmaNanos the latency estimate, 0 before the first completion
 */
public record EndpointStatus(
    Endpoint endpoint,
    boolean healthy,
    boolean ejected,
    int ejections,
    long inFlight,
    double latencyEwmaNanos) {}
