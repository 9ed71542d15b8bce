package dev.strata.health.check;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.strata.health.CheckResult;
import dev.strata.health.CheckRun;
import dev.strata.health.HealthCheckRegistration;
import dev.strata.health.HealthRegistry;
import dev.strata.health.HealthStatus;
import dev.strata.testsupport.TestDatabases;
import java.sql.Connection;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

class JdbcChecksTest {

  @Test
  void dataSourceIsUpOnH2() throws Exception {
    DataSource h2 = TestDatabases.h2(TestDatabases.uniqueName("health"));
    CheckResult r = DataSourceHealthCheck.of(h2, Duration.ofSeconds(1)).check();
    assertThat(r.status()).isEqualTo(HealthStatus.UP);
    assertThat(r.details()).containsEntry("database", "H2").containsKey("latencyMillis");
  }

  @Test
  void dataSourceIsUpOnPostgres() throws Exception {
    DataSource pg = TestDatabases.postgres();
    CheckResult r = DataSourceHealthCheck.of(pg, Duration.ofSeconds(2)).check();
    assertThat(r.status()).isEqualTo(HealthStatus.UP);
    assertThat(r.details()).containsEntry("database", "PostgreSQL");
  }

  @Test
  void unreachableDatabaseIsDownWithTheDriverError() {
    org.h2.jdbcx.JdbcDataSource missing = new org.h2.jdbcx.JdbcDataSource();
    missing.setURL("jdbc:h2:mem:nonexistent_health_db;IFEXISTS=TRUE");
    try (HealthRegistry registry = HealthRegistry.builder().build()) {
      registry.register(
          HealthCheckRegistration.builder(
                  "db", DataSourceHealthCheck.of(missing, Duration.ofSeconds(1)))
              .build());
      CheckRun db = registry.check().checks().get("db");
      assertThat(db.status()).isEqualTo(HealthStatus.DOWN);
      assertThat(db.error()).startsWith("org.h2.jdbc.JdbcSQLNonTransientConnectionException");
    }
  }

  @Test
  void validationTimeoutMustBePositive() {
    DataSource h2 = TestDatabases.h2("health_validation");
    assertThatThrownBy(() -> DataSourceHealthCheck.of(h2, Duration.ofMillis(-1)))
        .hasMessage("validationTimeout must be positive but was PT-0.001S");
  }

  private static HikariDataSource hikari(int max) {
    HikariConfig config = new HikariConfig();
    config.setDataSource(TestDatabases.h2(TestDatabases.uniqueName("hikari")));
    config.setMaximumPoolSize(max);
    config.setMinimumIdle(1);
    config.setConnectionTimeout(30_000);
    config.setPoolName("health-test");
    return new HikariDataSource(config);
  }

  @Test
  void hikariReportsPoolStateAndWaitingThreadsMakeItDegraded() throws Exception {
    try (HikariDataSource ds = hikari(1)) {
      HikariHealthCheck check = HikariHealthCheck.of(ds, Duration.ofSeconds(1));
      CheckResult idle = check.check();
      assertThat(idle.status()).isEqualTo(HealthStatus.UP);
      assertThat(idle.details())
          .containsEntry("pool", "health-test")
          .containsEntry("waiting", 0)
          .containsEntry("max", 1)
          .containsEntry("database", "H2")
          .containsKeys("active", "idle", "total");

      CompletableFuture<Void> waiter;
      try (Connection held = ds.getConnection()) {
        waiter =
            CompletableFuture.runAsync(
                () -> {
                  try (Connection c = ds.getConnection()) {
                    c.isValid(1);
                  } catch (Exception e) {
                    throw new IllegalStateException(e);
                  }
                });
        await().until(() -> ds.getHikariPoolMXBean().getThreadsAwaitingConnection() == 1);
        CheckResult saturated = check.check();
        assertThat(saturated.status()).isEqualTo(HealthStatus.DEGRADED);
        assertThat(saturated.error())
            .isEqualTo("1 thread(s) waiting for a connection; pool saturated");
        assertThat(saturated.details()).containsEntry("waiting", 1).containsEntry("active", 1);
        assertThat(held.isValid(1)).isTrue();
      }
      waiter.get();
      await().until(() -> check.check().status() == HealthStatus.UP);
    }
  }

  @Test
  void closedHikariPoolIsDown() throws Exception {
    HikariDataSource ds = hikari(2);
    HikariHealthCheck check = HikariHealthCheck.of(ds, Duration.ofSeconds(1));
    ds.close();
    CheckResult r = check.check();
    assertThat(r.status()).isEqualTo(HealthStatus.DOWN);
    assertThat(r.error()).isEqualTo("connection pool is closed");
  }
}
