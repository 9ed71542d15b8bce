package dev.strata.health.check;

import dev.strata.health.CheckResult;
import dev.strata.health.HealthCheck;
import dev.strata.health.internal.Durations;
import dev.strata.health.internal.Latency;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import javax.sql.DataSource;

/**
 * UP when a connection from a JDBC {@link DataSource} answers {@link Connection#isValid(int)}
 * within a timeout (a round trip to the database for most drivers). Details: {@code database}
 * (product name), {@code latencyMillis}. The connection is closed (returned to its pool) after each
 * run. For a HikariCP pool, {@link HikariHealthCheck} adds the pool's state.
 *
 * <p>Immutable and thread-safe.
 */
public final class DataSourceHealthCheck implements HealthCheck {

  private final DataSource dataSource;
  private final int validationTimeoutSeconds;

  private DataSourceHealthCheck(DataSource dataSource, Duration validationTimeout) {
    this.dataSource = dataSource;
    this.validationTimeoutSeconds = validationSeconds(validationTimeout);
  }

  /**
   * Creates a check.
   *
   * @param dataSource the data source, not null
   * @param validationTimeout the timeout passed to {@code isValid}, positive, rounded up to whole
   *     seconds (JDBC's unit)
   * @return the check
   * @throws IllegalArgumentException if the timeout is not positive, naming the value
   */
  public static DataSourceHealthCheck of(DataSource dataSource, Duration validationTimeout) {
    Objects.requireNonNull(dataSource, "dataSource must not be null");
    Durations.requirePositive("validationTimeout", validationTimeout);
    return new DataSourceHealthCheck(dataSource, validationTimeout);
  }

  @Override
  public CheckResult check() throws SQLException {
    return validate(dataSource, validationTimeoutSeconds, new LinkedHashMap<>());
  }

  static int validationSeconds(Duration timeout) {
    long seconds = (timeout.toMillis() + 999) / 1000;
    return (int) Math.max(1, Math.min(Integer.MAX_VALUE, seconds));
  }

  /** Opens a connection, validates it, and reports into {@code details}. */
  static CheckResult validate(
      DataSource dataSource, int timeoutSeconds, Map<String, Object> details) throws SQLException {
    long start = System.nanoTime();
    try (Connection connection = dataSource.getConnection()) {
      details.put("database", connection.getMetaData().getDatabaseProductName());
      boolean valid = connection.isValid(timeoutSeconds);
      details.put("latencyMillis", Latency.millisSince(start));
      if (!valid) {
        return CheckResult.down(
            "connection is not valid (isValid(" + timeoutSeconds + ") returned false)", details);
      }
      return CheckResult.up(details);
    }
  }

  @Override
  public String toString() {
    return "DataSourceHealthCheck{" + dataSource + "}";
  }
}
