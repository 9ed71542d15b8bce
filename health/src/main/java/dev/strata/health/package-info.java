/**
 * Health checks for a service instance: the {@link dev.strata.health.HealthCheck} contract, a
 * {@link dev.strata.health.HealthRegistry} that runs checks concurrently with timeouts, result
 * caching and single-flight execution, aggregation into a {@link dev.strata.health.HealthReport}
 * (UP, DEGRADED, DOWN) rendered as JSON or plain text, and a {@link
 * dev.strata.health.HealthEndpoint} that serves {@code /health}, {@code /health/live}, {@code
 * /health/ready} and {@code /health/started} on the JDK's built-in HTTP server.
 *
 * <p>Built-in checks live in {@link dev.strata.health.check}; active checking of load-balancer
 * endpoints lives in {@link dev.strata.health.active}.
 */
@org.jspecify.annotations.NullMarked
package dev.strata.health;
