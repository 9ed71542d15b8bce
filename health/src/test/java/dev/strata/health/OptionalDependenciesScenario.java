package dev.strata.health;

import dev.strata.health.active.ActiveHealthChecker;
import dev.strata.health.active.EndpointProbe;
import dev.strata.health.check.DataSourceHealthCheck;
import dev.strata.health.check.DiskSpaceHealthCheck;
import dev.strata.health.check.TcpHealthCheck;
import dev.strata.lb.EndpointPool;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Uses the registry, the endpoint, the JDBC, disk and TCP checks and the active checker; {@link
 * OptionalDependenciesTest} runs it in a class loader without Lettuce and HikariCP.
 */
public final class OptionalDependenciesScenario {

  private OptionalDependenciesScenario() {}

  /**
   * Runs the scenario.
   *
   * @return the report
   */
  public static HealthReport run() throws Exception {
    org.h2.jdbcx.JdbcDataSource h2 = new org.h2.jdbcx.JdbcDataSource();
    h2.setURL("jdbc:h2:mem:optional_deps;DB_CLOSE_DELAY=-1");
    try (HealthRegistry registry =
            HealthRegistry.builder().defaultTimeout(Duration.ofSeconds(20)).build();
        java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
      registry.register(
          HealthCheckRegistration.builder("db", DataSourceHealthCheck.of(h2, Duration.ofSeconds(1)))
              .build());
      registry.register(
          HealthCheckRegistration.builder("disk", DiskSpaceHealthCheck.of(Path.of("."), 1))
              .build());
      registry.register(
          HealthCheckRegistration.builder(
                  "tcp",
                  TcpHealthCheck.of("127.0.0.1", socket.getLocalPort(), Duration.ofSeconds(1)))
              .build());
      try (HealthEndpoint endpoint = HealthEndpoint.builder(registry).port(0).build().start();
          ActiveHealthChecker checker =
              ActiveHealthChecker.builder(EndpointPool.create())
                  .probe(EndpointProbe.http("/health"))
                  .build()
                  .start()) {
        return registry.check();
      }
    }
  }
}
