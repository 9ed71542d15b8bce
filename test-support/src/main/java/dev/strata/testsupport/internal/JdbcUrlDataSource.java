package dev.strata.testsupport.internal;

import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.Properties;
import java.util.logging.Logger;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;

/**
 * A {@link DataSource} that opens a new physical connection per {@link #getConnection()} through
 * {@link DriverManager}, so test support needs no compile-time dependency on any JDBC driver. Pool
 * it (HikariCP) where connection cost matters. Thread-safe and immutable.
 */
public final class JdbcUrlDataSource implements DataSource {
  private final String url;
  private final Properties properties;

  /**
   * Creates the data source.
   *
   * @param url the JDBC URL
   * @param properties connection properties (user, password, driver options); copied
   */
  public JdbcUrlDataSource(String url, Properties properties) {
    this.url = url;
    this.properties = new Properties();
    this.properties.putAll(properties);
  }

  /** Returns the JDBC URL. */
  public String url() {
    return url;
  }

  @Override
  public Connection getConnection() throws SQLException {
    return DriverManager.getConnection(url, properties);
  }

  @Override
  public Connection getConnection(String username, String password) throws SQLException {
    Properties withCredentials = new Properties();
    withCredentials.putAll(properties);
    withCredentials.setProperty("user", username);
    withCredentials.setProperty("password", password);
    return DriverManager.getConnection(url, withCredentials);
  }

  @Override
  public @Nullable PrintWriter getLogWriter() {
    return null;
  }

  @Override
  public void setLogWriter(@Nullable PrintWriter out) {
    // DriverManager logging is global; nothing to keep per data source.
  }

  @Override
  public void setLoginTimeout(int seconds) {
    // Each driver reads its own timeout options from the URL or properties.
  }

  @Override
  public int getLoginTimeout() {
    return 0;
  }

  @Override
  public Logger getParentLogger() throws SQLFeatureNotSupportedException {
    throw new SQLFeatureNotSupportedException("JdbcUrlDataSource does not use java.util.logging");
  }

  @Override
  public <T> T unwrap(Class<T> type) throws SQLException {
    if (type.isInstance(this)) {
      return type.cast(this);
    }
    throw new SQLException("JdbcUrlDataSource is not a wrapper for " + type.getName());
  }

  @Override
  public boolean isWrapperFor(Class<?> type) {
    return type.isInstance(this);
  }

  @Override
  public String toString() {
    return "JdbcUrlDataSource[" + url + "]";
  }
}
