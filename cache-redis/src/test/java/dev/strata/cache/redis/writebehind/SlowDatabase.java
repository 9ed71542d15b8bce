package dev.strata.cache.redis.writebehind;

import java.io.PrintWriter;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Properties;
import java.util.Random;
import java.util.logging.Logger;
import javax.sql.DataSource;

/**
 * A data source of fresh connections whose commits take a random 0-5 ms before and after, so that a
 * kill often lands while a batch is being written or between its commit and its XACK.
 */
final class SlowDatabase implements DataSource {
  private final String url;
  private final Properties properties = new Properties();
  private final Random random;

  SlowDatabase(String url, String user, long seed) {
    this.url = url;
    if (!user.isEmpty()) {
      properties.setProperty("user", user);
    }
    this.random = new Random(seed);
  }

  @Override
  public Connection getConnection() throws SQLException {
    Connection real = DriverManager.getConnection(url, properties);
    return (Connection)
        Proxy.newProxyInstance(
            Connection.class.getClassLoader(),
            new Class<?>[] {Connection.class},
            (proxy, method, args) -> {
              boolean commit = method.getName().equals("commit");
              if (commit) {
                pause();
              }
              try {
                return method.invoke(real, args);
              } catch (java.lang.reflect.InvocationTargetException e) {
                throw e.getCause();
              } finally {
                if (commit) {
                  pause();
                }
              }
            });
  }

  private void pause() throws InterruptedException {
    int millis;
    synchronized (random) {
      millis = random.nextInt(6);
    }
    Thread.sleep(millis);
  }

  @Override
  public Connection getConnection(String username, String password) throws SQLException {
    return getConnection();
  }

  @Override
  public PrintWriter getLogWriter() {
    return null;
  }

  @Override
  public void setLogWriter(PrintWriter out) {}

  @Override
  public void setLoginTimeout(int seconds) {}

  @Override
  public int getLoginTimeout() {
    return 0;
  }

  @Override
  public Logger getParentLogger() {
    return Logger.getGlobal();
  }

  @Override
  public <T> T unwrap(Class<T> type) throws SQLException {
    throw new SQLException("not a wrapper");
  }

  @Override
  public boolean isWrapperFor(Class<?> type) {
    return false;
  }
}
