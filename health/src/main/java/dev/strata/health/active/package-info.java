/**
 * Active health checking of load-balancer endpoints: {@link
 * dev.strata.health.active.ActiveHealthChecker} probes every endpoint of a {@code
 * dev.strata.lb.EndpointPool} (TCP or HTTP) and marks endpoints up or down in the pool with rise
 * and fall thresholds.
 */
@org.jspecify.annotations.NullMarked
package dev.strata.health.active;
