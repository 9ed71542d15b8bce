/**
 * Built-in health checks: TCP connect, HTTP GET, disk space, JDBC {@code DataSource}, HikariCP pool
 * and Redis (Lettuce). The HikariCP and Lettuce checks are separate classes so that those optional
 * libraries are loaded only when their check is created.
 */
@org.jspecify.annotations.NullMarked
package dev.strata.health.check;
