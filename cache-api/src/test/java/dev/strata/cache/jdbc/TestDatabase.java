package dev.strata.cache.jdbc;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.strata.testsupport.TestDatabases;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;

/**
 * The real databases the JDBC tests run on, from {@link TestDatabases}: H2 in memory everywhere,
 * and PostgreSQL at {@code STRATA_PG_URL} or 127.0.0.1:5432/test (skipped when unreachable, unless
 * {@code STRATA_PG_REQUIRED=true}). Pooled with HikariCP and shared by all tests of a run; each
 * test makes its own tables.
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
   * required (see {@link TestDatabases}).
   */
  public DataSource dataSource() {
    DataSource raw = this == H2 ? null : TestDatabases.postgres();
    return POOLS.computeIfAbsent(this, db -> pool(db, raw));
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

  private static HikariDataSource pool(TestDatabase database, DataSource raw) {
    HikariConfig config = new HikariConfig();
    config.setDataSource(
        raw != null ? raw : TestDatabases.h2(TestDatabases.uniqueName("cacheapi")));
    config.setMaximumPoolSize(8);
    config.setPoolName("strata-cache-api-" + database.name().toLowerCase(Locale.ROOT));
    return new HikariDataSource(config);
  }
}
