package dev.strata.cache.jdbc;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.junit.jupiter.api.Assumptions;

/**
 * The real databases the JDBC tests run on: H2 in memory everywhere, and PostgreSQL at {@code
 * STRATA_PG_URL} or 127.0.0.1:5432/test (skipped when unreachable, unless {@code
 * STRATA_PG_REQUIRED=true}). Pools are shared by all tests of a run; each test makes its own
 * tables.
 */
public enum TestDatabase {
  H2,
  POSTGRESQL;

  private static final ConcurrentHashMap<TestDatabase, HikariDataSource> POOLS =
      new ConcurrentHashMap<>();
  private static final AtomicInteger TABLES = new AtomicInteger();
  private static final String RUN = Long.toString(System.nanoTime() % 1_000_000_000L, 36);

  /**
   * Returns the pooled data source, or skips the test when PostgreSQL is unreachable and not
   * required.
   */
  public DataSource dataSource() {
    if (this == POSTGRESQL) {
      String url = pgUrl();
      boolean required = "true".equalsIgnoreCase(System.getenv("STRATA_PG_REQUIRED"));
      if (!required) {
        Assumptions.assumeTrue(reachable(url), "PostgreSQL is not reachable at " + url);
      }
    }
    return POOLS.computeIfAbsent(this, TestDatabase::pool);
  }

  /** Creates a table with a unique name, {@code (id BIGINT PRIMARY KEY, <columns>)}. */
  public String createTable(String columns) throws SQLException {
    String name = ("strata_t_" + RUN + "_" + TABLES.incrementAndGet()).toLowerCase(Locale.ROOT);
    execute("CREATE TABLE " + name + " (id BIGINT PRIMARY KEY, " + columns + ")");
    return name;
  }

  /** Drops a table made by {@link #createTable(String)}, if it still exists. */
  public void dropTable(String name) throws SQLException {
    execute("DROP TABLE IF EXISTS " + name);
  }

  /**
   * Makes every insert and update of {@code table} fail (a real constraint violation) until {@link
   * #unblockWrites(String)}; existing rows stay.
   */
  public void blockWrites(String table) throws SQLException {
    String check = this == H2 ? " NOCHECK" : " NOT VALID";
    execute(
        "ALTER TABLE " + table + " ADD CONSTRAINT " + table + "_blocked CHECK (id < 0)" + check);
  }

  /** Undoes {@link #blockWrites(String)}. */
  public void unblockWrites(String table) throws SQLException {
    execute("ALTER TABLE " + table + " DROP CONSTRAINT " + table + "_blocked");
  }

  /** Runs one statement. */
  public void execute(String sql) throws SQLException {
    try (Connection connection = dataSource().getConnection();
        Statement statement = connection.createStatement()) {
      statement.execute(sql);
    }
  }

  private static String pgUrl() {
    String url = System.getenv("STRATA_PG_URL");
    return url != null && !url.isBlank() ? url : "jdbc:postgresql://127.0.0.1:5432/test";
  }

  private static boolean reachable(String url) {
    DriverManager.setLoginTimeout(2);
    try (Connection ignored = DriverManager.getConnection(url, "postgres", "")) {
      return true;
    } catch (SQLException e) {
      return false;
    }
  }

  private static HikariDataSource pool(TestDatabase database) {
    HikariConfig config = new HikariConfig();
    if (database == H2) {
      config.setJdbcUrl("jdbc:h2:mem:strata-cache-api;DB_CLOSE_DELAY=-1");
      config.setUsername("sa");
    } else {
      config.setJdbcUrl(pgUrl());
      config.setUsername("postgres");
    }
    config.setPassword("");
    config.setMaximumPoolSize(8);
    config.setPoolName("strata-cache-api-" + database.name().toLowerCase(Locale.ROOT));
    return new HikariDataSource(config);
  }
}
