package dev.strata.cache.jdbc;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import javax.sql.DataSource;

/**
 * How a {@link JdbcCacheStore} runs statements: each with the query timeout, writes in one
 * transaction that is rolled back on any failure. Thread-safe.
 */
final class JdbcStatements {

  private final DataSource dataSource;
  private final int queryTimeoutSeconds;

  JdbcStatements(DataSource dataSource, int queryTimeoutSeconds) {
    this.dataSource = dataSource;
    this.queryTimeoutSeconds = queryTimeoutSeconds;
  }

  PreparedStatement prepare(Connection connection, String sql) throws SQLException {
    PreparedStatement statement = connection.prepareStatement(sql);
    try {
      statement.setQueryTimeout(queryTimeoutSeconds);
    } catch (SQLException | RuntimeException e) {
      statement.close();
      throw e;
    }
    return statement;
  }

  void inTransaction(SqlWork work) throws SQLException {
    try (Connection connection = dataSource.getConnection()) {
      boolean autoCommit = connection.getAutoCommit();
      connection.setAutoCommit(false);
      try {
        work.run(connection);
        connection.commit();
      } catch (SQLException | RuntimeException | Error e) {
        try {
          connection.rollback();
        } catch (SQLException rollbackFailure) {
          e.addSuppressed(rollbackFailure);
        }
        throw e;
      } finally {
        connection.setAutoCommit(autoCommit);
      }
    }
  }

  @FunctionalInterface
  interface SqlWork {
    void run(Connection connection) throws SQLException;
  }

  boolean exists(Connection connection, String table, String keyColumn, Object key)
      throws SQLException {
    String sql = "SELECT 1 FROM " + table + " WHERE " + keyColumn + " = ?";
    try (PreparedStatement statement = prepare(connection, sql)) {
      statement.setObject(1, key);
      try (ResultSet rows = statement.executeQuery()) {
        return rows.next();
      }
    }
  }

  static long sequenceOf(Map<?, Long> sequences, Object key) {
    Long sequence = sequences.get(key);
    if (sequence == null || sequence <= 0) {
      throw new IllegalArgumentException(
          "sequences must hold a positive sequence for key " + key + " but had " + sequence);
    }
    return sequence;
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  static <K> List<K> sorted(Collection<? extends K> keys) {
    List<K> list = new ArrayList<>(keys.size());
    for (K key : keys) {
      list.add(Objects.requireNonNull(key, "keys must not contain a null key"));
    }
    if (!list.isEmpty() && list.get(0) instanceof Comparable) {
      try {
        list.sort((a, b) -> ((Comparable) a).compareTo(b));
      } catch (ClassCastException e) {
        // keys of mixed types: keep the given order
      }
    }
    return list;
  }
}
