package dev.strata.demo;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import org.h2.tools.Server;
import org.jspecify.annotations.Nullable;

/**
 * The demo's database: an H2 TCP server inside this JVM, or the PostgreSQL named by {@code
 * STRATA_PG_URL}. Creates and seeds the {@code product} table. Not thread-safe; close once.
 */
final class DemoDatabase implements AutoCloseable {
  private final String url;
  private final String user;
  private final String password;
  private final @Nullable Server h2;
  private final @Nullable Connection keepAlive;

  private DemoDatabase(
      String url,
      String user,
      String password,
      @Nullable Server h2,
      @Nullable Connection keepAlive) {
    this.url = url;
    this.user = user;
    this.password = password;
    this.h2 = h2;
    this.keepAlive = keepAlive;
  }

  /**
   * Starts H2 or connects to PostgreSQL, then creates and seeds {@code product}.
   *
   * @param products how many products to seed (ids 1..products)
   * @param pgUrl a PostgreSQL JDBC URL, or {@code null} for H2
   * @param pgUser the PostgreSQL user
   * @param pgPassword the PostgreSQL password
   * @throws IllegalStateException when the database cannot be started, reached or seeded (the
   *     message names the URL, never the password)
   */
  static DemoDatabase start(
      int products, @Nullable String pgUrl, String pgUser, String pgPassword) {
    if (pgUrl != null) {
      DemoDatabase db = new DemoDatabase(pgUrl, pgUser, pgPassword, null, null);
      db.seed(products, true);
      return db;
    }
    Server server;
    try {
      server = Server.createTcpServer("-tcpPort", "0", "-tcpAllowOthers", "-ifNotExists").start();
    } catch (SQLException e) {
      throw new IllegalStateException("cannot start the H2 TCP server: " + e.getMessage(), e);
    }
    String url = "jdbc:h2:tcp://127.0.0.1:" + server.getPort() + "/mem:catalog;DB_CLOSE_DELAY=-1";
    Connection keepAlive = null;
    try {
      keepAlive = DriverManager.getConnection(url, "sa", "");
      DemoDatabase db = new DemoDatabase(url, "sa", "", server, keepAlive);
      db.seed(products, false);
      return db;
    } catch (SQLException | RuntimeException e) {
      closeQuietly(keepAlive);
      server.stop();
      throw new IllegalStateException(
          "cannot create the product table in " + url + ": " + e.getMessage(), e);
    }
  }

  private void seed(int products, boolean dropFirst) {
    try (Connection connection = DriverManager.getConnection(url, user, password)) {
      try (Statement statement = connection.createStatement()) {
        if (dropFirst) {
          statement.execute("DROP TABLE IF EXISTS product");
        }
        statement.execute(
            "CREATE TABLE product (id BIGINT PRIMARY KEY, name VARCHAR(200) NOT NULL,"
                + " price_cents BIGINT NOT NULL, version BIGINT NOT NULL)");
      }
      connection.setAutoCommit(false);
      try (PreparedStatement insert =
          connection.prepareStatement(
              "INSERT INTO product (id, name, price_cents, version) VALUES (?, ?, ?, 1)")) {
        for (long id = 1; id <= products; id++) {
          insert.setLong(1, id);
          insert.setString(2, "Product " + id);
          insert.setLong(3, 1000 + id);
          insert.addBatch();
        }
        insert.executeBatch();
      }
      connection.commit();
    } catch (SQLException e) {
      throw new IllegalStateException(
          "cannot create and seed the product table in " + url + ": " + e.getMessage(), e);
    }
  }

  /** Returns the JDBC URL the instances connect with. */
  String url() {
    return url;
  }

  /** Returns the database user. */
  String user() {
    return user;
  }

  /** Returns the database password (passed to the instances, never printed). */
  String password() {
    return password;
  }

  /** Returns {@code H2 (TCP, in this JVM)} or {@code PostgreSQL}. */
  String kind() {
    return h2 != null ? "H2 (TCP server in this JVM)" : "PostgreSQL";
  }

  @Override
  public void close() {
    closeQuietly(keepAlive);
    if (h2 != null) {
      h2.stop();
    }
  }

  private static void closeQuietly(@Nullable Connection connection) {
    if (connection != null) {
      try {
        connection.close();
      } catch (SQLException ignored) {
        // closing anyway
      }
    }
  }
}
