package dev.strata.cache.strategy;

import dev.strata.cache.jdbc.JdbcCacheStore;
import dev.strata.cache.jdbc.TestDatabase;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Map;
import java.util.TreeMap;

/** A fresh {@code (id BIGINT, val VARCHAR)} table on a real database, with its JDBC store. */
final class UserTable implements AutoCloseable {
  final TestDatabase db;
  final String name;
  final JdbcCacheStore<Long, String> store;

  UserTable(TestDatabase db) throws SQLException {
    this.db = db;
    this.name = db.createTable("val VARCHAR(100)");
    this.store =
        JdbcCacheStore.builder(db.dataSource(), Long.class, String.class)
            .table(name)
            .valueColumns("val")
            .build();
  }

  Map<Long, String> rows() throws SQLException {
    Map<Long, String> rows = new TreeMap<>();
    try (Connection c = db.dataSource().getConnection();
        PreparedStatement st = c.prepareStatement("SELECT id, val FROM " + name);
        ResultSet rs = st.executeQuery()) {
      while (rs.next()) {
        rows.put(rs.getLong(1), rs.getString(2));
      }
    }
    return rows;
  }

  int count() throws SQLException {
    return rows().size();
  }

  void blockWrites() throws SQLException {
    db.blockWrites(name);
  }

  void unblockWrites() throws SQLException {
    db.unblockWrites(name);
  }

  @Override
  public void close() throws SQLException {
    db.dropTable(name);
  }
}
