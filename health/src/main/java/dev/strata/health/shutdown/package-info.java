/**
 * Graceful shutdown for zero-downtime deploys: a {@link
 * dev.strata.health.shutdown.ShutdownCoordinator} that turns readiness DOWN, waits for load
 * balancers to notice, waits for in-flight requests (counted by {@link
 * dev.strata.health.shutdown.InFlightRequests}, or by the servlet filter {@link
 * dev.strata.health.shutdown.InFlightRequestFilter}) and then runs the application's stop actions.
 */
@org.jspecify.annotations.NullMarked
package dev.strata.health.shutdown;
