package dev.strata.health.check;

import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.HikariPoolMXBean;
import dev.strata.health.CheckResult;
import dev.strata.health.HealthCheck;
import dev.strata.health.internal.Durations;
import java.sql.SQLException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * A JDBC check of a HikariCP pool: reports the pool's {@code active}, {@code idle}, {@code
 * waiting}, {@code total} and {@code max} connections and validates one connection like {@link
 * DataSourceHealthCheck}. Threads waiting for a connection make it DEGRADED: the database answers
 * but the pool is saturated; the check then does not borrow a connection itself, so it neither
 * queues behind the waiters nor adds to them. A closed pool is DOWN.
 *
 * <p>This class is the only one that refers to HikariCP, so the optional HikariCP dependency is
 * needed only when it is used. Immutable and thread-safe.
 */
public final class HikariHealthCheck implements HealthCheck {

  private final HikariDataSource dataSource;
  private final int validationTimeoutSeconds;

  private HikariHealthCheck(HikariDataSource dataSource, Duration validationTimeout) {
    this.dataSource = dataSource;
    this.validationTimeoutSeconds = DataSourceHealthCheck.validationSeconds(validationTimeout);
  }

  /**
   * Creates a check.
   *
   * @param dataSource the pool, not null
   * @param validationTimeout the timeout passed to {@code isValid}, positive, rounded up to whole
   *     seconds
   * @return the check
   * @throws IllegalArgumentException if the timeout is not positive, naming the value
   */
  public static HikariHealthCheck of(HikariDataSource dataSource, Duration validationTimeout) {
    Objects.requireNonNull(dataSource, "dataSource must not be null");
    Durations.requirePositive("validationTimeout", validationTimeout);
    return new HikariHealthCheck(dataSource, validationTimeout);
  }

  @Override
  public CheckResult check() throws SQLException {
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("pool", String.valueOf(dataSource.getPoolName()));
    if (dataSource.isClosed()) {
      return CheckResult.down("connection pool is closed", details);
    }
    HikariPoolMXBean pool = dataSource.getHikariPoolMXBean();
    if (pool != null) {
      int waiting = pool.getThreadsAwaitingConnection();
      details.put("active", pool.getActiveConnections());
      details.put("idle", pool.getIdleConnections());
      details.put("waiting", waiting);
      details.put("total", pool.getTotalConnections());
      details.put("max", dataSource.getMaximumPoolSize());
      if (waiting > 0) {
        return CheckResult.degraded(
            waiting + " thread(s) waiting for a connection; pool saturated", details);
      }
    } else {
      details.put("max", dataSource.getMaximumPoolSize());
    }
    return DataSourceHealthCheck.validate(dataSource, validationTimeoutSeconds, details);
  }

  @Override
  public String toString() {
    return "HikariHealthCheck{" + dataSource.getPoolName() + "}";
  }
}
