package dev.strata.testsupport;

import dev.strata.testsupport.internal.JdbcUrlDataSource;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * JDBC data sources for tests: in-memory H2 everywhere, and a real PostgreSQL where one is
 * reachable.
 *
 * <p>PostgreSQL is found at env {@code STRATA_PG_URL} (user {@code STRATA_PG_USER}, password {@code
 * STRATA_PG_PASSWORD}), by default {@code jdbc:postgresql://127.0.0.1:5432/test} as user {@code
 * postgres}. When it cannot be reached, {@link #postgres()} aborts the calling test (JUnit
 * assumption: the test is reported as skipped), unless env {@code STRATA_PG_REQUIRED=true} (or
 * system property {@code strata.pg.required=true}), in which case it fails the test with a message
 * naming the URL and the cause. The H2 and PostgreSQL drivers are optional dependencies: add the
 * one you use to your test class path.
 *
 * <p>Data sources open a new connection per {@code getConnection()}; pool them (HikariCP) where
 * that matters. All methods are thread-safe.
 */
public final class TestDatabases {
  private static final Logger LOG = LoggerFactory.getLogger(TestDatabases.class);
  private static final Pattern NAME = Pattern.compile("[A-Za-z][A-Za-z0-9_]{0,40}");
  private static final Map<String, String> PROBLEMS = new ConcurrentHashMap<>();

  private TestDatabases() {}

  /**
   * Returns an in-memory H2 database in PostgreSQL compatibility mode, kept alive until the JVM
   * exits. The same name gives the same database; use {@link #uniqueName(String)} for a private
   * one.
   *
   * @param name letters, digits and underscores, starting with a letter, at most 41 characters
   * @throws IllegalArgumentException when the name is not of that shape
   */
  public static DataSource h2(String name) {
    Objects.requireNonNull(name, "name must not be null");
    if (!NAME.matcher(name).matches()) {
      throw new IllegalArgumentException(
          "H2 database name must be letters, digits and underscores starting with a letter (at"
              + " most 41) but was '"
              + name
              + "'");
    }
    String url =
        "jdbc:h2:mem:"
            + name
            + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH;DB_CLOSE_DELAY=-1";
    return new JdbcUrlDataSource(url, new Properties());
  }

  /**
   * Returns a unique lower-case SQL identifier {@code prefix_xxxxxxxxxx}, for table, schema or
   * database names that must not collide between test classes running in parallel.
   *
   * @param prefix letters, digits and underscores, starting with a letter, at most 30 characters
   * @throws IllegalArgumentException when the prefix is not of that shape
   */
  public static String uniqueName(String prefix) {
    Objects.requireNonNull(prefix, "prefix must not be null");
    if (!NAME.matcher(prefix).matches() || prefix.length() > 30) {
      throw new IllegalArgumentException(
          "prefix must be letters, digits and underscores starting with a letter (at most 30)"
              + " but was '"
              + prefix
              + "'");
    }
    String random = UUID.randomUUID().toString().replace("-", "").substring(0, 10);
    return (prefix + "_" + random).toLowerCase(Locale.ROOT);
  }

  /** Returns the PostgreSQL JDBC URL in use ({@code STRATA_PG_URL} or the default). */
  public static String postgresUrl() {
    return setting("STRATA_PG_URL", "strata.pg.url", "jdbc:postgresql://127.0.0.1:5432/test");
  }

  /** Returns whether PostgreSQL answers at {@link #postgresUrl()}; the result is cached. */
  public static boolean postgresAvailable() {
    return probe(postgresUrl()) == null;
  }

  /**
   * Returns a data source for the PostgreSQL database, after checking that it answers.
   *
   * @throws org.opentest4j.TestAbortedException when it is unreachable and not required
   * @throws org.opentest4j.AssertionFailedError when it is unreachable and required
   */
  public static DataSource postgres() {
    String url = postgresUrl();
    requireReachable(url);
    return new JdbcUrlDataSource(url, postgresProperties());
  }

  /**
   * Creates a new empty schema with a unique name in the PostgreSQL database and returns a data
   * source whose connections use it as their current schema, so that test classes running in
   * parallel cannot see each other's tables. The schema is left in place after the test (the
   * database is a test database); its name starts with {@code strata_test_}.
   *
   * @throws org.opentest4j.TestAbortedException when PostgreSQL is unreachable and not required
   * @throws org.opentest4j.AssertionFailedError when it is unreachable and required, or the schema
   *     cannot be created
   */
  public static DataSource postgresWithFreshSchema() {
    String url = postgresUrl();
    requireReachable(url);
    String schema = uniqueName("strata_test");
    Properties properties = postgresProperties();
    try (Connection connection = new JdbcUrlDataSource(url, properties).getConnection();
        Statement statement = connection.createStatement()) {
      statement.execute("CREATE SCHEMA " + schema);
    } catch (SQLException e) {
      return Assertions.fail("cannot create schema " + schema + " in " + url, e);
    }
    properties.setProperty("currentSchema", schema);
    LOG.debug("Created PostgreSQL schema {}", schema);
    return new JdbcUrlDataSource(url, properties);
  }

  private static void requireReachable(String url) {
    String problem = probe(url);
    if (problem == null) {
      return;
    }
    String message = "PostgreSQL is not reachable at " + url + ": " + problem;
    if (postgresRequired()) {
      Assertions.fail(message + " (STRATA_PG_REQUIRED=true, so this is a failure)");
    }
    Assumptions.abort(message + " (set STRATA_PG_REQUIRED=true to make this a failure)");
  }

  private static boolean postgresRequired() {
    return Boolean.parseBoolean(setting("STRATA_PG_REQUIRED", "strata.pg.required", "false"));
  }

  /** Returns null when the database answers, else what went wrong; cached per URL. */
  private static @Nullable String probe(String url) {
    String problem = PROBLEMS.computeIfAbsent(url, TestDatabases::connectOnce);
    return problem.isEmpty() ? null : problem;
  }

  private static String connectOnce(String url) {
    Properties properties = postgresProperties();
    properties.setProperty("connectTimeout", "3");
    properties.setProperty("loginTimeout", "5");
    try (Connection connection = new JdbcUrlDataSource(url, properties).getConnection()) {
      return connection.isValid(5) ? "" : "the connection was not valid";
    } catch (SQLException e) {
      String message = String.valueOf(e.getMessage());
      String hint =
          message.contains("No suitable driver")
              ? " (add org.postgresql:postgresql to the test class path)"
              : "";
      LOG.info("PostgreSQL at {} is not reachable: {}", url, message);
      return message + hint;
    }
  }

  private static Properties postgresProperties() {
    Properties properties = new Properties();
    properties.setProperty("user", setting("STRATA_PG_USER", "strata.pg.user", "postgres"));
    String password = setting("STRATA_PG_PASSWORD", "strata.pg.password", "");
    if (!password.isEmpty()) {
      properties.setProperty("password", password);
    }
    return properties;
  }

  private static String setting(String env, String property, String fallback) {
    String fromProperty = System.getProperty(property);
    if (fromProperty != null && !fromProperty.isBlank()) {
      return fromProperty.trim();
    }
    String fromEnv = System.getenv(env);
    return fromEnv != null && !fromEnv.isBlank() ? fromEnv.trim() : fallback;
  }
}
