package dev.strata.boot.health;

import dev.strata.health.HealthCheck;

/**
 * A Strata check that decides whether this instance can take traffic: all of them together form the
 * {@code strata} health contributor, which is in Spring Boot's readiness group.
 *
 * @param name the name of the check within {@code strata} (e.g. {@code redis})
 * @param check the check
 */
public record ReadinessCheck(String name, HealthCheck check) {}
